/**
 * What most end-to-end files set up: a console in this process, a managed policy pointing the
 * extension at it, and a browser with the built extension (Firefox also gets the local site
 * server). `close()` undoes whatever was started, newest first, each step even when an earlier one
 * failed: policy files are system-wide and must not outlive the run.
 */
import { launchChromium, type ChromiumSession } from './chromium';
import { launchFirefox, type FirefoxSession } from './firefox';
import { startConsole, type RunningConsole } from './in-process-console';
import { writeChromiumPolicy, writeFirefoxPolicy, type PolicyFile } from './policy-files';
import { startSiteServer, type SiteServer } from './site-server';

export interface RigOptions {
  /** The managed policy, given the running console. */
  policy: (console: RunningConsole) => Record<string, unknown>;
  /** Runs once the console is up, before the policy is written (to put synced settings there, say). */
  prepare?: (console: RunningConsole) => Promise<unknown>;
}

export interface Rig<Browser> {
  console: RunningConsole;
  policy: PolicyFile;
  browser: Browser;
  close(): Promise<void>;
}

type Undo = () => unknown;

async function undoAll(steps: Undo[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps.splice(0).reverse()) {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
}

async function startRig<Browser extends { close(): Promise<void> }>(
  options: RigOptions,
  writePolicy: (policy: Record<string, unknown>) => PolicyFile,
  launch: (undo: Undo[]) => Promise<Browser>,
): Promise<Rig<Browser>> {
  const undo: Undo[] = [];
  try {
    const console_ = await startConsole();
    undo.push(() => console_.close());
    await options.prepare?.(console_);
    const policy = writePolicy(options.policy(console_));
    undo.push(() => policy.remove());
    const browser = await launch(undo);
    undo.push(() => browser.close());
    return { console: console_, policy, browser, close: () => undoAll(undo) };
  } catch (err) {
    await undoAll(undo).catch(() => undefined);
    throw err;
  }
}

/** Chromium with the policy in /etc/chromium/policies/managed/<name>.json. */
export function startChromiumRig(name: string, options: RigOptions): Promise<Rig<ChromiumSession>> {
  return startRig(
    options,
    (policy) => writeChromiumPolicy(name, policy),
    () => launchChromium(),
  );
}

/**
 * Firefox with the policy in its distribution folder, and the site server its pages come from (the
 * simulated sites, unless `sites` starts another server that answers for their host names).
 */
export function startFirefoxRig(options: RigOptions & { sites?: () => Promise<SiteServer> }): Promise<Rig<FirefoxSession> & { sites: SiteServer }> {
  let sites: SiteServer | undefined;
  return startRig(options, writeFirefoxPolicy, async (undo) => {
    const started = await (options.sites ?? startSiteServer)();
    sites = started;
    undo.push(() => started.close());
    return launchFirefox({ sitePort: started.port });
  }).then((rig) => ({ ...rig, sites: sites! }));
}
