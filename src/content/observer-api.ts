/**
 * The contract between the observer's two halves (issue 13's budget: ≤ 10 KB in every frame).
 *
 * - The shell (observer.ts, `upload-observer.js`) runs in every frame at document_start: the
 *   capture listeners that must come before any page listener, what must happen during the event
 *   (taking the files, stopping and emptying what a response rule may hold), and the message that
 *   reports the files at once, before any is read (issue 15 item 5).
 * - The core (observer-core.ts, `observer-core.js`, a web-accessible script) is imported into the
 *   same isolated world the first time it is needed — a file handed over, or a sign that one is
 *   coming — exactly as the response module is: reading heads, walking dropped folders, files
 *   handed over by script, the response plan and decisions.
 */
import type { Channel } from '../core/schema/identifiers';
import type { UploadOutcome } from '../core/schema/response';
import type { FramesObserve, SentTo, UploadHeads, UploadObserved, UploadSent } from '../core/schema/messages';
import type { IsolatedBridge } from './bridge-receiver';
import type { takeDataTransfer } from './dropped-entries';
import type { CollectedFile } from './file-head';
import type { HeldAction } from './response/module-api';
import type { PlanCache } from './response/plan';

export interface ObserverDeps {
  send: (message: UploadObserved | UploadHeads | UploadSent | { type: 'response/plan' } | UploadOutcome | FramesObserve) => Promise<unknown>;
  /** Loads the core (module-loader.ts). */
  loadCore: () => Promise<StartCore>;
  shadowRootOf: (element: Element) => ShadowRoot | null;
  newActionId: () => string;
  now: () => number;
}

export interface ReportOptions {
  bridged?: boolean;
  sentTo?: SentTo;
  tamper?: string[];
  /** Held until the reply (a decision): the action id to use. */
  hold?: string;
}

export interface Remembered {
  actionId: string;
  at: number;
  /** Settles when the action's messages were answered: a send is recorded after them. */
  reported: Promise<unknown>;
  /** Hosts the file was already recorded going to. */
  sentTo: Set<string>;
}

/** What the shell lends the core. */
export interface ObserverShell {
  win: Window;
  deps: ObserverDeps;
  bridge: IsolatedBridge;
  /** Sends the action's messages at once; resolves to their replies (decisions when held). */
  report(channel: Channel, trusted: boolean, collected: CollectedFile[], options?: ReportOptions): Promise<unknown[]>;
  /** The action a file of this frame was reported in, if recently. */
  recall(file: CollectedFile): Remembered | undefined;
  /** The frame's response plan, asked at the first sign that a file may come (the shell's first gate reads it). */
  plans: PlanCache;
}

export interface ObserverCore {
  /** Reads the files of a reported action and sends their heads (`upload/heads`). */
  heads(actionId: string, parts: CollectedFile[][]): Promise<void>;
  /** The files inside dropped folders. */
  expand(taken: ReturnType<typeof takeDataTransfer>): Promise<CollectedFile[]>;
  /** A held action: true when the page may have the files. */
  settle(held: HeldAction): Promise<boolean>;
  /** Files handed over by script (a bridge claim). `answered`: the hold id of a claim the shell already told `h`. */
  files(detail: unknown, answered?: string): void;
  /** The plan says files are held here: the response module is loaded now, not when the first file waits. */
  preload(): void;
}

export type StartCore = (shell: ObserverShell) => ObserverCore;

/** Where the core leaves its start function, in the extension's isolated world (never the page's). */
export const CORE_GLOBAL = '__upwatchObserverCore';
