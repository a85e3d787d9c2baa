/**
 * Markup that the language rules and the content model misread (issue 16): documentation formats
 * whose lines read as code (Pod, Org, roff, Vim help), and Markdown, whose fenced examples are not what the
 * file is. Pure string work on the text analysis's window.
 */
import type { TextVerdict } from './sniff-text';

/** Languages show themselves in their first lines (the same window as sniff-text's). */
const LANGUAGE_WINDOW = 2 * 1024;

const data = (ext: string, evidence: string): TextVerdict => ({ ext, evidence, code: false });

/** Formatting requests of roff itself (not of a macro package), alone on their line or with arguments. */
const ROFF_REQUESTS = /^\.(sp|br|ti|pa|he|fo|nf|fi|in|ce|bp|ft|ll|ls|ne|na|ad|ul|bd|it|th|sh|pl|po|tl|ta|hy|nh|vs|ps)(?=[ \t]|$)/gm;

/**
 * Documentation markup whose lines read as code to a language detector or to the content model
 * (Pod reads as Perl, Org as templates, roff as assembly): each is told by its own line commands.
 */
export function byDocumentationMarkup(start: string): TextVerdict | undefined {
  const window = start.slice(0, LANGUAGE_WINDOW);
  // Pod: a file that opens with Pod commands (a leading version line and # comment lines aside) is
  // documentation; Perl with Pod inside opens with code.
  if (
    /^(?:#[^\n]*\n\s*)*(?:[^\n=#][^\n]*\n\s*)?=(?:pod|head[1-6]|encoding|begin|for|over|item)\b/.test(window) &&
    /^=(?:head[1-6]|item|cut|end|back|pod)\b/m.test(window)
  ) {
    return data('pod', 'Pod documentation (=head, =item lines)');
  }
  // Vim's help files open with their own tag (*name.txt*, then "For Vim version…") and link by
  // |name|: what they document (VBScript, zip, assembly…) is quoted in them, not what they are.
  if (/^\*[\w.+-]+\.txt\*[ \t]/.test(window) && (window.match(/\|[\w.:+-]+\||\*[\w.:+-]+\*/g)?.length ?? 0) >= 3) {
    return data('text', 'Vim help file (*name.txt* tag line, |links|)');
  }
  const org = window.match(/^#\+[A-Za-z_]+(?::|[ \t]|$)/gm);
  if (org && org.length >= 2) return data('org', 'Org document (#+ keyword lines)');
  // roff: comment lines (.\" or '\") or requests, with a title or section request among them.
  const roff = window.match(/^(?:\.\\"|'\\"|\.[A-Za-z]{1,2}(?:[ \t]|$))/gm);
  if (roff && roff.length >= 3 && /^\.(?:TH|SH|Dd|Dt|Sh|SS)\b/m.test(window) && /^(?:\.|')/.test(window)) {
    return data('roff', 'roff manual page (.TH, .SH requests)');
  }
  if (/^\./.test(window)) {
    // Older roff (the first Unix manuals: .th, .sh, .pa, .ti, .sp) has no .TH: three of roff's own
    // formatting requests, used five times or more, tell it from assembly, whose directives differ.
    const requests = [...window.matchAll(ROFF_REQUESTS)].map((m) => m[1]!);
    if (requests.length >= 5 && new Set(requests).size >= 3) return data('roff', 'roff document (formatting requests: .sp, .ti, .br…)');
  }
  return undefined;
}

/** Markdown's own marks (not `#` lines, which are comments in many languages): fences, underlined headings, links, bold. */
export function markdownMarkers(text: string): number {
  return [/^[ \t]{0,3}(?:`{3,}|~{3,})/m, /^\S[^\n]*\n(?:={3,}|-{3,})[ \t]*$/m, /\[[^\]\n]+\]\((?:https?:|\.{0,2}\/|#)[^)\s]*\)/, /\*\*[^*\n]+\*\*/].filter(
    (p) => p.test(text),
  ).length;
}

/** Complete Markdown fenced blocks (``` or ~~~ at a line start, up to the same fence). */
const FENCED = /^[ \t]{0,3}(`{3,}|~{3,})[^\n`]*\n[\s\S]*?^[ \t]{0,3}\1[ \t]*$/gm;

/** A fence still open where the window ends (the head cut the block). */
const OPEN_FENCE = /^[ \t]{0,3}(?:`{3,}|~{3,})[^\n`]*\n[\s\S]*$/m;

export function withoutFences(text: string): string {
  if (!text.includes('```') && !text.includes('~~~')) return text;
  return text.replace(FENCED, '').replace(OPEN_FENCE, '');
}
