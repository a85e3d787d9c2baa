import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRYPOINTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../entrypoints');

interface HappyDomSettings {
  disableCSSFileLoading: boolean;
  disableJavaScriptFileLoading: boolean;
  disableJavaScriptEvaluation: boolean;
  handleDisabledFileLoadingAsSuccess: boolean;
}

/**
 * An extension page's real markup (entrypoints/<name>/index.html), parsed as the browser would
 * parse it, so views are tested against the ids and elements that ship. Its stylesheet and script
 * are not fetched (there is no server, and the view is what is under test).
 */
export function loadPage(name: 'popup' | 'options'): Document {
  const settings = (window as unknown as { happyDOM?: { settings: HappyDomSettings } }).happyDOM?.settings;
  if (!settings) throw new Error('loadPage needs the happy-dom environment');
  Object.assign(settings, {
    disableCSSFileLoading: true,
    disableJavaScriptFileLoading: true,
    disableJavaScriptEvaluation: true,
    handleDisabledFileLoadingAsSuccess: true,
  });
  return new DOMParser().parseFromString(readFileSync(resolve(ENTRYPOINTS, name, 'index.html'), 'utf8'), 'text/html');
}
