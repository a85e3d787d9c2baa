/** Untrusted text in downstream products (issue 15, item 7): XSOAR Markdown details, one-line names and OCSF titles. */
import { describe, expect, it } from 'vitest';
import { markdownText, plainLine } from '../../../src/core/formats/escape';
import { ocsfEvents } from '../../../src/core/formats/ocsf';
import { xsoarIncident } from '../../../src/core/formats/xsoar';
import type { FileEvent } from '../../../src/core/schema/event';
import { sampleEvent } from '../support/sample-event';

const HOSTILE = '[click](https://evil.example) ![x](https://evil.example/p.png) <img src=x onerror=alert(1)> **bold**\n# heading';

/** Markdown that would act: a link or image, an HTML tag, emphasis, a heading or list at a line start. */
function activeMarkdown(text: string): string[] {
  const found: string[] = [];
  if (/(^|[^\\])!?\[[^\]]*(^|[^\\])\]\(/.test(text)) found.push('link');
  if (/(^|[^\\])<[a-z/]/i.test(text)) found.push('html');
  if (/(^|[^\\])\*\*[^*]+(^|[^\\])\*\*/.test(text)) found.push('emphasis');
  if (/^\s*(#|[-+*] |\d+[.)] )/m.test(text)) found.push('block');
  return found;
}

describe('plainLine', () => {
  it('keeps one line: no CR/LF, no control characters, no bidi override, bounded', () => {
    expect(plainLine('invoice\u202Efdp.exe\r\nSecond line\u0007')).toBe('invoice fdp.exe Second line');
    const long = plainLine('x'.repeat(5000));
    expect(long.length).toBe(512);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('markdownText', () => {
  it('shows a hostile name as text: no link, image, tag, emphasis or heading survives', () => {
    const escaped = markdownText(HOSTILE);
    expect(escaped).not.toContain('\n');
    expect(activeMarkdown(escaped)).toEqual([]);
    expect(activeMarkdown(HOSTILE)).toEqual(['link', 'html', 'emphasis', 'block']);
    // Unescaping gives the name back (on one line): nothing is lost, only neutralised.
    expect(escaped.replace(/\\(.)/g, '$1')).toBe(plainLine(HOSTILE, 1024));
  });

  it('keeps a name from starting a list, and leaves ordinary names readable', () => {
    expect(markdownText('1. plan.docx')).toBe('1\\. plan.docx');
    expect(markdownText('- notes.txt')).toBe('\\- notes.txt');
    expect(markdownText('payroll-2026.xlsx')).toBe('payroll-2026.xlsx');
  });
});

describe('wire formats with a hostile file name and title', async () => {
  const base = await sampleEvent();
  const event: FileEvent = {
    ...base,
    file: { ...base.file, name: `${HOSTILE}\r\ninvoice\u202Efdp.exe` },
    destination: { ...base.destination, tabTitle: `<script>alert(1)</script>${'t'.repeat(5000)}`, url: 'https://evil.example/[x](y)', host: 'evil.example' },
    risk: { ...base.risk, score: 9, severity: 'high' },
    response: { action: 'warn', outcome: 'bypassed', ruleId: 'r1', justification: '**urgent** [see](https://evil.example)\n# now', decidedInMs: 3 },
  };

  it('XSOAR: the name is one plain line, the details are inert Markdown', () => {
    const incident = xsoarIncident(event);
    expect(incident.name).not.toMatch(/[\r\n\u202E]/);
    expect(incident.name.length).toBeLessThanOrEqual(1024);
    const [first, ...rest] = incident.details.split('\n');
    expect(activeMarkdown(first!)).toEqual([]);
    expect(rest.filter((line) => !line.startsWith('- ')).every((line) => activeMarkdown(line).length === 0)).toBe(true);
    expect(incident.details).not.toContain('\u202E');
    // The raw event keeps the real name for mapping (JSON-escaped, not rendered).
    expect(incident.rawJson.file.name).toBe(event.file.name);
  });

  it('OCSF: the finding title is one plain line', () => {
    const finding = ocsfEvents(event).find((e) => 'finding_info' in e) as { finding_info: { title: string } } | undefined;
    expect(finding).toBeDefined();
    expect(finding!.finding_info.title).not.toMatch(/[\r\n\u202E]/);
    expect(finding!.finding_info.title.length).toBeLessThanOrEqual(512);
  });
});
