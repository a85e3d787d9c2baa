// Issue 16: ordinary pages that page-words.ts pulled into an upload category because a company's
// site, a download portal or a blog names a product, a feature or a topic with a tool's words
// (page-words-vendor.ts, page-words-about.ts). Each property has near misses it must leave alone
// and true cases it must keep; the pages come from the kinds in bench/data/destinations-other-dev.tsv.
import { describe, expect, it } from 'vitest';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { classifyByPageWords } from '../../../src/core/destinations/page-words';
import { titleBacksSlug } from '../../../src/core/destinations/page-words-about';
import { onlyFiller } from '../../../src/core/destinations/page-words-segments';
import { aFeaturesLandingPage, aVendorsMainSite } from '../../../src/core/destinations/page-words-vendor';

const rule = (host: string, path: string, title: string) => classifyByPageWords(host, path, title)?.rule;

describe("page words: a company's site presenting a product or a feature", () => {
  it('reads "<brand> <words>" on a main site as a product name (desktop software, a laptop feature), not a tool in the page', () => {
    expect(rule('www.movavi.com', '/video-converter/', 'Movavi Video Converter – Convert Video Files Fast and Easy')).toBeUndefined();
    expect(rule('www.lenovo.com', '/us/en/ai-assistant/', 'Lenovo AI Assistant | Lenovo US')).toBeUndefined();
    expect(rule('www.jetbrains.com', '/ai/', 'JetBrains AI Assistant')).toBeUndefined();
    // The product name anywhere in the title: the plain segment beside it names the same product.
    expect(rule('icecreamapps.com', '/pdf-converter/', 'Icecream PDF Converter - Free PDF Converter')).toBeUndefined();
    // A title that says it works online is the tool, brand or not.
    expect(rule('www.inkwell.example', '/pdf-editor', 'Inkwell PDF Editor - Edit PDFs online')).toBe('pdf_title');
    // An application's own host, or a host named for what it does, is the tool.
    expect(rule('transfer.acme-corp.example', '/', 'Acme Secure File Transfer')).toBe('file_transfer_title');
    expect(rule('llm.acme-corp.example', '/', 'Acme AI Assistant')).toBe('ai_title');
    expect(rule('www.videoshrink.example', '/', 'VideoShrink Video Compressor')).toBe('format_pair_title');
    // A webmail's title names its provider.
    expect(rule('www.posteo.example', '/', 'Posteo Webmail')).toBe('webmail_title');
  });

  it("reads an AI or file-transfer title on a main site's page named for the words as that feature's landing page", () => {
    expect(rule('www.klarna.com', '/us/ai-assistant/', 'AI assistant | Klarna US')).toBeUndefined();
    expect(rule('www.kiteworks.example', '/secure-file-transfer/', 'Secure File Transfer | Kiteworks')).toBeUndefined();
    expect(rule('www.tidio.example', '/ai-chatbot/', 'AI Chatbot | Tidio')).toBeUndefined();
    // The same words at the site's front page, on an application's host, or on a host named for them.
    expect(rule('www.zapfile.example', '/', 'ZapFile | Secure File Transfer')).toBe('file_transfer_title');
    expect(rule('assistant.acme-corp.example', '/ai-assistant', 'AI Assistant | Acme')).toBe('ai_title');
    expect(rule('www.quickai.example', '/ai-chat', 'AI Chat | QuickAI')).toBe('ai_title');
    // Converters and PDF tools are filed under their slugs by the tool sites themselves.
    expect(rule('www.snaptools.example', '/image-resizer', 'Image Resizer | SnapTools')).toBe('format_pair_title');
  });

  it('knows a main site by its www. or bare host, unless the host is named for what tools do', () => {
    expect(aVendorsMainSite('www.klarna.com')).toBe(true);
    expect(aVendorsMainSite('klarna.com')).toBe(true);
    expect(aVendorsMainSite('www.jetbrains.com')).toBe(true); // "ai" inside a word is not the word
    expect(aVendorsMainSite('shop.klarna.com')).toBe(false);
    expect(aVendorsMainSite('www.heic2jpg.example')).toBe(false);
    expect(aVendorsMainSite('felo.ai')).toBe(false);
    expect(aVendorsMainSite('www.deepai.org')).toBe(false);
    expect(aVendorsMainSite('nova')).toBe(false);
    expect(aVendorsMainSite('10.0.0.5')).toBe(false);
    expect(rule('nova', '/', 'Nova AI Assistant')).toBe('ai_title');
  });

  it('spells a landing page by its only path segment after any locale', () => {
    expect(aFeaturesLandingPage('/us/ai-assistant/', 'AI assistant')).toBe(true);
    expect(aFeaturesLandingPage('/secure-file-transfer.html', 'Secure File Transfer')).toBe(true);
    expect(aFeaturesLandingPage('/', 'AI assistant')).toBe(false);
    expect(aFeaturesLandingPage('/chat', 'AI chat')).toBe(false);
    expect(aFeaturesLandingPage('/app/ai-chat/123', 'AI chat')).toBe(false);
  });
});

describe("page words: a tool's slug in the address of a page that says it is something else", () => {
  it('reads the slug only when the title is the site name or holds every word of it', () => {
    expect(rule('www.photoclub.example', '/file-sharing', "Members' gallery | Photo Club")).toBeUndefined();
    expect(rule('www.bookshop.example', '/pdf-to-word/', 'Bookshop - eBooks and PDFs')).toBeUndefined();
    expect(rule('www.lawfirm.example', '/file-transfer', 'Contact our team | Smith & Partners')).toBeUndefined();
    expect(rule('pdfkit.example', '/merge-pdf', 'PDFKit')).toBe('pdf_path');
    expect(rule('tools.example', '/de/heic-to-jpg', 'HEIC in JPG umwandeln')).toBe('format_pair_path');
    expect(rule('tools.example', '/heic-to-jpg', undefined as unknown as string)).toBe('format_pair_path');
    // An application's route needs no title's word ("Outlook" at /owa/).
    expect(rule('mail.acme.example', '/owa/', 'Outlook')).toBe('webmail_path');
  });

  it('matches the words loosely: case, plural, jpeg for jpg, "2" for "to"', () => {
    expect(titleBacksSlug('Send a file - Courier', 'courier.example', 'send-files', onlyFiller)).toBe(true);
    expect(titleBacksSlug('PNG in JPEG umwandeln', 'x.example', 'png2jpg', onlyFiller)).toBe(true);
    expect(titleBacksSlug('Our photos', 'x.example', 'png2jpg', onlyFiller)).toBe(false);
  });

  it('reads blog archives, explainers and download portals in other languages as about the words', () => {
    expect(rule('www.techblog.example', '/file-sharing/', 'File Sharing Archives - TechBlog')).toBeUndefined();
    expect(rule('www.techsite.example', '/heic-to-jpg/', "Apple's HEIC format explained - TechSite")).toBeUndefined();
    expect(rule('www.01net.com', '/telecharger/windows/x/12345.html', 'Free Video Converter - Télécharger')).toBeUndefined();
    expect(rule('descargar.example.es', '/video-converter/', 'Video Converter - Descargar gratis')).toBeUndefined();
    expect(rule('softportal.example.ru', '/video-converter.html', 'Video Converter — скачать бесплатно')).toBeUndefined();
    expect(rule('www.dobreprogramy.pl', '/free-video-converter,program,windows,12345.html', 'Free Video Converter - pobierz')).toBeUndefined();
    // A tool's own title names none of these.
    expect(rule('videoconverter.example', '/', 'Free Video Converter - Convert videos online')).toBe('format_pair_title');
  });

  it("reads a help page filed deep in a vendor's site as about the words", () => {
    expect(rule('www.asustor.com', '/en/online/online_help', 'File Sharing | ASUSTOR NAS')).toBeUndefined();
    expect(rule('www.netgear.example', '/support/product/readynas/user_guide/file-sharing', 'File Sharing | NETGEAR')).toBeUndefined();
    expect(rule('files.acme.example', '/shared/helpdesk-files', 'Secure file sharing | Acme')).toBe('file_transfer_title');
  });
});

describe('page words: upload pages of sites that are not file hosts, listings and developer tools', () => {
  it('reads "upload your files / photos" as a file host only on a host named for what tools do', () => {
    expect(rule('www.walgreens.com', '/photo/upload', 'Upload Photos | Walgreens Photo')).toBeUndefined();
    expect(rule('efiling.court.example', '/case/123/documents', 'Upload files | Superior Court e-Filing')).toBeUndefined();
    // Nor does its tool-like address, unless the title holds the slug's words.
    expect(rule('www.printshop.example', '/file-transfer', 'Upload files | PrintShop')).toBeUndefined();
    expect(rule('www.printshop.example', '/file-transfer', 'Upload files for transfer | PrintShop')).toBe('file_transfer_path');
    expect(rule('share.example.net', '/', 'Upload files')).toBe('upload_title');
    expect(rule('bigfile.small-host.example', '/upload', 'Upload your files - BigFile')).toBe('upload_title');
    // "Upload and share" says what a file host is for, on any host.
    expect(rule('www.dropzone.example', '/', 'Dropzone - Upload and share your files')).toBe('file_transfer_title');
  });

  it('reads the words after a listing\'s heading ("Self-hosted apps: File sharing") or under a ?tag= filter as its category', () => {
    expect(rule('selfh.example', '/apps/', 'Self-hosted apps: File sharing - selfh.example')).toBeUndefined();
    expect(classifyDestination({ url: 'https://apps.example/list?tag=file-sharing', title: 'File sharing - Apps' })).toMatchObject({ category: 'other' });
    expect(rule('drop.example.co', '/', 'Drop: Secure file sharing')).toBe('file_transfer_title');
    expect(rule('online.example', '/', 'Fast & free: Send large files')).toBe('file_transfer_title');
  });

  it("reads a library's, a plugin's, an extension's or a template's page as about the words", () => {
    expect(rule('www.pdflib.example', '/', 'HTML to PDF | PDFLib - Java library')).toBeUndefined();
    expect(rule('www.monica.example', '/', 'Monica - Your ChatGPT AI Assistant Chrome Extension')).toBeUndefined();
    expect(rule('www.framer.example', '/templates/ai-chatbot', 'AI Chatbot Template | Framer')).toBeUndefined();
    expect(rule('www.pdfmagic.example', '/', 'HTML to PDF | PDFMagic')).toBe('pdf_title');
  });
});

describe('classifyDestination with these pages', () => {
  it('leaves a brand’s feature page and a desktop converter `other`, and keeps the tools', () => {
    expect(classifyDestination({ url: 'https://www.klarna.com/us/ai-assistant/', title: 'AI assistant | Klarna US' })).toMatchObject({
      category: 'other',
      matchedBy: 'none',
    });
    expect(
      classifyDestination({ url: 'https://www.mediahuman.com/audio-converter/', title: 'MediaHuman Audio Converter — Free Audio Converter' }).category,
    ).toBe('other');
    expect(classifyDestination({ url: 'https://sendfast.files-example.example/', title: 'Sendfast - Send large files up to 10 GB' })).toMatchObject({
      category: 'cloud_storage',
      matchedBy: 'page',
    });
  });
});
