/**
 * Joins an `upload/observed` sent before its files were read (`headsFollow`) with the
 * `upload/heads` that follows it (issue 15 item 5). The content script sends the metadata the
 * moment a file is handed over, so a page that removes its frame or navigates away in its own
 * `change` handler cannot lose the event; the first and last bytes come a few milliseconds later.
 *
 * The observation waits for its heads at most `waitMs`; without them (the frame went away before it
 * could read the file) it goes on with empty heads, and the file is classified by its name alone.
 * Heads are matched by tab, frame, action and part: one frame cannot complete another's event.
 */
import type { UploadHeads, UploadObserved } from '../core/schema/messages';
import type { StampedSender } from './pipeline';

export const HEADS_WAIT_MS = 3_000;
/** Heads that came before their observation (or after it gave up) are kept this long, and this many at most. */
const EARLY_KEPT = 200;

type Heads = UploadHeads['heads'];

export interface HeadJoin {
  /** The observation with its heads, once they came or `waitMs` passed. */
  complete(message: UploadObserved, sender: StampedSender): Promise<UploadObserved>;
  /** Hands heads to the observation waiting for them; true when one was. */
  heads(message: UploadHeads, sender: StampedSender): boolean;
}

const keyOf = (sender: StampedSender, actionId: string, part: number) => `${sender.tab?.id ?? ''}:${sender.frameId ?? ''}:${actionId}:${part}`;

/** The heads line up with the files by position; heads of another length are a malformed claim and are ignored. */
function withHeads(message: UploadObserved, heads: Heads | undefined): UploadObserved {
  if (!heads || heads.length !== message.files.length) return message;
  const files = message.files.map((file, i) => {
    const { headBase64, tailBase64 } = heads[i]!;
    return { ...file, headBase64, ...(tailBase64 !== undefined && { tailBase64 }) };
  });
  return { ...message, files };
}

export function createHeadJoin(waitMs = HEADS_WAIT_MS): HeadJoin {
  const waiting = new Map<string, (heads: Heads) => void>();
  const early = new Map<string, Heads>();
  return {
    complete(message, sender) {
      if (!message.headsFollow) return Promise.resolve(message);
      const key = keyOf(sender, message.actionId, message.part ?? 0);
      const came = early.get(key);
      if (came) {
        early.delete(key);
        return Promise.resolve(withHeads(message, came));
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          resolve(message);
        }, waitMs);
        waiting.set(key, (heads) => {
          clearTimeout(timer);
          resolve(withHeads(message, heads));
        });
      });
    },
    heads(message, sender) {
      const key = keyOf(sender, message.actionId, message.part);
      const waiter = waiting.get(key);
      if (waiter) {
        waiting.delete(key);
        waiter(message.heads);
        return true;
      }
      early.set(key, message.heads);
      if (early.size > EARLY_KEPT) early.delete(early.keys().next().value!);
      setTimeout(() => early.delete(key), waitMs);
      return false;
    },
  };
}
