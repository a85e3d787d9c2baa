/**
 * Notification text: plain-text templates with `{{placeholder}}`s. The template is the admin's
 * (trusted); every value put into it comes from events (file names, page titles, hosts) and is
 * escaped for the medium it lands in, so a file named `<!channel>` or `[click](http://evil)` is
 * shown as those characters and never becomes markup, a mention or a link.
 */

export const PLACEHOLDERS = [
  'user',
  'ruleName',
  'severity',
  'state',
  'eventCount',
  'destinations',
  'files',
  'firstEventAt',
  'lastEventAt',
  'alertUrl',
  'alertId',
  'change',
  'manager',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const PATTERN = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Placeholders a template names that do not exist (a typo would otherwise be sent as is). */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(PLACEHOLDERS);
  return [...template.matchAll(PATTERN)].map((m) => m[1]!).filter((name) => !known.has(name));
}

export type Escape = (value: string) => string;

/**
 * Control characters (line breaks included) would let a value start a new header or line of its
 * own; Unicode's bidi controls (U+061C, U+200E, U+200F, U+202A–202E, U+2066–2069) would let a file
 * named `invoice‮fdp.exe` read as "invoiceexe.pdf" in the mail or chat client.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const oneLine: Escape = (v) => v.replace(CONTROL, ' ');

/** Slack mrkdwn: `<`, `>` and `&` are its only control characters (links, mentions, entities). */
export const slackEscape: Escape = (v) => oneLine(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Teams Adaptive Card text is a Markdown subset (bold, italic, links, lists): backslash the
 * characters that make those, so a value never becomes emphasis or a link. Values are one line, so
 * list markers (which only count at a line start) need nothing.
 */
export const teamsEscape: Escape = (v) => oneLine(v).replace(/[\\`*_{}[\]()#~|]/g, (c) => `\\${c}`);

/** E-mail is sent as text/plain: nothing is markup; values stay on one line. */
export const plainEscape: Escape = oneLine;

export function render(template: string, values: TemplateValues, escape: Escape): string {
  return template.replace(PATTERN, (whole, name: string) => (name in values ? escape(values[name as Placeholder]) : whole));
}

export const DEFAULT_TEXT =
  '{{severity}} alert "{{ruleName}}" ({{change}}) for {{user}}: {{eventCount}} file event(s) to {{destinations}} — {{files}}. {{alertUrl}}';

export const MANAGER_SUBJECT = 'Upwatch: {{ruleName}} — {{user}} ({{severity}})';
export const MANAGER_BODY = `Hello,

Upwatch raised an alert about file movements of {{user}}, who reports to you.

Rule: {{ruleName}}
Severity: {{severity}}
Events: {{eventCount}}, from {{firstEventAt}} to {{lastEventAt}}
Destinations: {{destinations}}
Files: {{files}}

The security team is reviewing it: {{alertUrl}}
Please reply to this message if this activity was expected as part of their work.
`;

/** An Incydr "Instructor"-style lesson: short, to the person, what happened and what to do instead. */
export const LESSON_SUBJECT = 'About the files you uploaded to {{destinations}}';
export const LESSON_BODY = `Hello,

We noticed that {{files}} went to {{destinations}} ({{eventCount}} upload(s) between {{firstEventAt}} and {{lastEventAt}}).

Company files belong in company-approved storage. Personal cloud drives, webmail and AI tools outside
our approved list put them out of our reach: if they are lost or shared, nobody can take them back.

If this was part of your work, no action is needed; you may reply to tell us why.
If it was a mistake, please delete the copies you made and use the approved tools next time.

Thank you,
The security team
`;
