import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROME_EXTENSION_DIR = `${ROOT}.output/chrome-mv3`;
export const FIREFOX_EXTENSION_DIR = `${ROOT}.output/firefox-mv3`;
export { CHROME_EXTENSION_ID, GECKO_ID } from '../../src/core/extension-ids';

function firstExisting(paths: string[]): string {
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new Error(`none of ${paths.join(', ')} exists: run the setup (scripts/ensure-setup.sh)`);
  return found;
}

/** Debian's chromium binary; /usr/bin/chromium is a wrapper script that adds noisy flags. */
export const chromiumPath = () => process.env.UPWATCH_CHROMIUM ?? firstExisting(['/usr/lib/chromium/chromium', '/usr/bin/chromium']);
export const firefoxPath = () => process.env.UPWATCH_FIREFOX ?? firstExisting(['/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox']);
