/**
 * The response module (issue 14): the decision handling and the dialog, loaded into the observer's
 * isolated world only on pages where files are held (see module-loader.ts), so that no other page
 * pays for them. This is the contract between the observer and that module.
 */
import type { ResponseDecision, ResponseFailure, ResponsePlan, UploadOutcome } from '../../core/schema/response';

export interface DialogResult {
  /** warn: the person chose to upload anyway; block and notify: false and true. */
  proceed: boolean;
  justification?: string;
}

export interface ResponseDialog {
  /**
   * Shows the decision. block: resolves when dismissed; warn: resolves with the person's choice;
   * notify: resolves at once (the notice goes away by itself). `failure`: no rule decided, the
   * policy's failure mode did (the text says so).
   */
  show(decision: ResponseDecision, failure?: ResponseFailure): Promise<DialogResult>;
}

export interface HeldAction {
  /** Also the decision's id (the background answers with decisionId = actionId). */
  actionId: string;
  /** When the file was handed over (deps.now()). */
  startedAt: number;
  files: { name: string; size: number }[];
  /** The upload/observed messages, sent with hold: resolves to their replies. */
  replies: Promise<unknown[]>;
}

export interface SettleDeps {
  send: (message: UploadOutcome) => Promise<unknown>;
  now: () => number;
  /** Where the files were going, for a dialog shown without a decision (failure mode block). */
  host: () => string;
}

export interface ResponseModule {
  /** True when the page may have the files. */
  settle(plan: ResponsePlan, held: HeldAction, deps: SettleDeps): Promise<boolean>;
  dialog: ResponseDialog;
}

/** Where the module leaves itself, in the extension's isolated world (never the page's). */
export const MODULE_GLOBAL = '__upwatchResponse';
