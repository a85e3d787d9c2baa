/**
 * The file formats and PDF actions page-words.ts reads in titles ("HEIC to JPG", "Merge PDF") and
 * in tool slugs ("/heic-to-jpg", "/merge-pdf"). Our own fixed expressions.
 */
/** File formats people convert between (lower case). "text" and "speech" are left out: "text to speech" is not a file conversion. */
const FORMATS =
  'pdf|docx?|word|xlsx?|excel|pptx?|powerpoint|odt|ods|odp|rtf|txt|csv|json|xml|html?|markdown|md|epub|mobi|azw3|djvu|jpe?g|png|gif|webp|heic|heif|avif|bmp|tiff?|svg|ico|eps|psd|raw|image|images|photo|mp4|mov|avi|mkv|webm|wmv|flv|m4v|3gp|video|mp3|wav|m4a|aac|ogg|flac|opus|wma|audio|ttf|otf|woff2?|zip|rar|7z|dwg|dxf|stl';

export const FORMAT_PAIR = new RegExp(`\\b(${FORMATS})\\s*(?:to|2|into|→|->)\\s*(${FORMATS})\\b`, 'i');
export const FORMAT_PAIR_SEGMENT = new RegExp(`^(${FORMATS})-?(?:to|2)-?(${FORMATS})(?:-(?:converter|conversion|online))*(?:\\.(?:html?|php|aspx?))?$`);
export const PDF_ACTION_SEGMENT =
  /^(?:merge|split|compress|edit|sign|rotate|unlock|protect|crop|organi[sz]e|annotate|flatten|repair|ocr)-pdfs?(?:\.(?:html?|php|aspx?))?$/;

/** A converter's or a PDF tool's own slug ("heic-to-jpg", "merge-pdf"): such sites file tools by kind (/image/heic-to-jpg). */
export const isToolSlug = (segment: string) => PDF_ACTION_SEGMENT.test(segment) || isPair(FORMAT_PAIR_SEGMENT.exec(segment));

export const isPdfPair = (m: RegExpExecArray | null) => isPair(m) && (m![1]!.toLowerCase() === 'pdf' || m![2]!.toLowerCase() === 'pdf');
export const isPair = (m: RegExpExecArray | null) => m !== null && m[1]!.toLowerCase() !== m[2]!.toLowerCase();
export const pairIn = (s: string) => {
  const m = FORMAT_PAIR.exec(s);
  return isPair(m) ? m : null;
};
