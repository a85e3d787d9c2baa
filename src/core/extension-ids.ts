/**
 * The extension's fixed identities, defined once: the manifest (wxt.config.ts), the test harness
 * and the deployment tests read them from here. Admins name them in their policies, so they never change.
 */

/** Firefox's add-on id (manifest `browser_specific_settings.gecko.id`), the key of policies.json entries. */
export const GECKO_ID = 'upwatch@upwatch.dev';

/**
 * Chrome's extension id, fixed by the public key in public-key.txt (the manifest `key`): the first
 * 32 hex digits of sha256 of the DER key, mapped 0-f → a-p. A unit test recomputes it.
 */
export const CHROME_EXTENSION_ID = 'peoaojgjfbmaknhcpppjliaadmegbljb';
