/**
 * Simulated real sites: the same fixture pages served for real host names (https://www.dropbox.com/…),
 * through Playwright routing in Chromium or a local HTTP server in Firefox.
 */
import { readFileSync } from 'node:fs';
import { SAMPLES } from './format-samples';
import { ROOT } from './paths';

export interface SiteSpec {
  title: string;
  /** Which fixture page: the upload page (default) or the hostile one. */
  page?: 'upload' | 'hostile';
  /** Extra markup for the upload page, e.g. a third-party iframe. */
  extra?: string;
}

export const SITES: Record<string, SiteSpec> = {
  'www.dropbox.com': { title: 'Files - Dropbox' },
  'mail.google.com': { title: 'Inbox (3) - ana@acme.com - Gmail' },
  'github.com': { title: 'acme/payments: Payment service' },
  'chatgpt.com': { title: 'ChatGPT' },
  'wetransfer.com': { title: 'WeTransfer - Send Large Files' },
  'wd5.myworkday.com': {
    title: 'Home - Workday',
    extra: '<p><a id="export" href="/acme/export/payroll-q4.xlsx">Export payroll to Excel</a></p>',
  },
  'intranet.acme.example': { title: 'Acme intranet - Documents' },
  'blog.example.org': {
    title: 'A travel blog',
    extra: '<iframe id="third-party" src="{{ORIGIN_SCHEME}}://www.dropbox.com{{PORT}}/embed/chooser"></iframe>',
  },
  'hostile.example.net': { title: '', page: 'hostile' },
};

const pages = new Map<string, string>();
function fixture(name: string): string {
  let text = pages.get(name);
  if (text === undefined) {
    text = readFileSync(`${ROOT}test/fixtures/pages/${name}.html`, 'utf8');
    pages.set(name, text);
  }
  return text;
}

export const isSimulatedSite = (url: URL): boolean => Object.hasOwn(SITES, url.hostname);

export interface SiteFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

/** Files the simulated sites serve as downloads (attachment), by host and path. */
const SITE_FILES: Record<string, SiteFile> = {
  'wd5.myworkday.com/acme/export/payroll-q4.xlsx': {
    body: Buffer.from(SAMPLES.xlsx!),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName: 'payroll-q4.xlsx',
  },
};

/** A download served by a simulated site, or undefined. */
export function siteFile(url: URL): SiteFile | undefined {
  return SITE_FILES[`${url.hostname}${url.pathname}`];
}

/** A request the simulated sites never answer: an image of it keeps a page from its `load` event. */
export const HANGING_PATH = '/observer/hang';

function observerPage(url: URL, site: SiteSpec): string {
  const frame = url.searchParams.get('frame');
  const port = url.port ? `:${url.port}` : '';
  // Large enough to show the framed lab's drop zone (a drop lands where the frame is visible).
  let extra = frame ? `<iframe id="frame" width="640" height="400" src="${url.protocol}//${frame.replace('/', `${port}/`)}"></iframe>` : '';
  // ?loading: the page never reaches `load` (its observer's sweep of subframes after the load never comes).
  if (url.searchParams.has('loading')) extra += `<img src="${HANGING_PATH}" alt="">`;
  return fixture('observer/lab').replace('{{TITLE}}', site.title).replace('{{EXTRA}}', extra);
}

/** The HTML for a URL on a simulated site, or undefined when the host is not simulated. */
export function renderSite(url: URL): string | undefined {
  const site = SITES[url.hostname];
  if (!site) return undefined;
  if (url.pathname.startsWith('/embed/')) return fixture('frame');
  // The observer lab (test/e2e/observer-*.test.ts): /observer/<page>[?frame=<host>/<path>].
  if (url.pathname.startsWith('/observer/')) return observerPage(url, site);
  if (site.page === 'hostile') return fixture('hostile');
  const port = url.port ? `:${url.port}` : '';
  const extra = (site.extra ?? '').replaceAll('{{ORIGIN_SCHEME}}', url.protocol.replace(':', '')).replaceAll('{{PORT}}', port);
  return fixture('upload').replace('{{TITLE}}', site.title).replace('{{EXTRA}}', extra);
}
