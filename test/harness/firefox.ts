/** Real Firefox ESR with the built extension installed as a temporary add-on, over WebDriver BiDi. */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX_EXTENSION_DIR, firefoxPath } from './paths';
import { SITES } from './sites';

export interface FirefoxSession {
  browser: Browser;
  /** The URL of a simulated site, e.g. site('www.dropbox.com', '/home'). */
  site(host: string, path?: string): string;
  newPage(url: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchFirefox(options: { sitePort: number; extensionDir?: string }): Promise<FirefoxSession> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    extraPrefsFirefox: {
      // Real host names resolve to this machine, where the site server answers.
      'network.dns.localDomains': Object.keys(SITES).join(','),
      'network.dns.disableIPv6': true,
      // The simulated sites are plain HTTP: no HTTPS-First upgrade, no HSTS preload (github.com and
      // mail.google.com are preloaded), so http://github.com:<port>/ reaches the site server.
      'dom.security.https_first': false,
      'dom.security.https_first_pbm': false,
      'dom.security.https_first_schemeless': false,
      'dom.security.https_only_mode': false,
      'network.stricttransportsecurity.preloadlist': false,
      'network.proxy.type': 0,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'extensions.autoDisableScopes': 0,
    },
  });
  await browser.installExtension(options.extensionDir ?? FIREFOX_EXTENSION_DIR);
  const site = (host: string, path = '/') => `http://${host}:${options.sitePort}${path}`;
  return {
    browser,
    site,
    async newPage(url) {
      const page = await browser.newPage();
      await page.goto(url);
      return page;
    },
    close: () => browser.close(),
  };
}
