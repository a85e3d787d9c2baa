/**
 * The upload pipeline's queue: uploads one after another (each reads the history the one before
 * wrote), and the history read of an upload started before its turn when nothing is queued.
 */
import type { UploadObserved, UploadSent } from '../core/schema/messages';
import {
  classifyObserved,
  placeOf,
  prefetch,
  processUpload,
  recordSend,
  scoreClassified,
  type HeldWork,
  type PipelineDeps,
  type Prefetched,
  type StampedSender,
} from './pipeline';

/** A history read started before its upload's turn (createUploadPipeline's readAhead). */
export interface ReadAhead {
  turn: number;
  read: Promise<Prefetched | undefined>;
}

async function readAheadOf(message: UploadObserved, sender: StampedSender, deps: PipelineDeps): Promise<Prefetched | undefined> {
  const { counted, destination } = placeOf(message, sender, await deps.config());
  return counted.length > 0 ? prefetch(deps, deps.now(), [destination], counted) : undefined;
}

/**
 * Uploads one after another: each reads the history the previous one wrote, so two tabs
 * uploading to a new destination at once agree on its first use; a send is recorded after the
 * upload it belongs to is stored.
 */
export function createUploadPipeline(deps: PipelineDeps) {
  let previous: Promise<unknown> = Promise.resolve();
  // Turns begun, and turns queued or running: a history read ahead is valid in the next turn only.
  let begun = 0;
  let unfinished = 0;
  const queued = <T>(work: () => Promise<T>): Promise<T> => {
    unfinished++;
    const run = previous
      .catch(() => undefined)
      .then(() => {
        begun++;
        return work();
      });
    previous = run;
    const over = () => void unfinished--;
    run.then(over, over);
    return run;
  };
  return {
    /**
     * The history read of an observation whose heads are still on their way (`headsFollow`), asked
     * now instead of in its turn, so it is done before the files are classified: in its turn the
     * read ran beside the content model, which held the worker's thread, and the read's answers
     * waited for it. Only when no upload is queued or running; its turn uses it only if no other
     * began in between (none wrote history), else reads again.
     */
    readAhead: (message: UploadObserved, sender: StampedSender): ReadAhead | undefined => {
      if (unfinished > 0) return undefined;
      const read = readAheadOf(message, sender, deps);
      read.catch(() => undefined);
      return { turn: begun, read };
    },
    observed: (message: UploadObserved, sender: StampedSender, ahead?: ReadAhead) =>
      queued(() => processUpload(message, sender, deps, ahead && begun === ahead.turn + 1 ? ahead.read : undefined)),
    sent: (message: UploadSent, sender: StampedSender) => queued(() => recordSend(message, sender, deps)),
    /**
     * A held observation: classified at once, out of turn (what and where need no history), and
     * handed to `work.early`, which may answer the page then; scored in turn and handed to
     * `work.decide`, whose reply is given unless an early one was. The storing it started (`after`)
     * still finishes before the next upload's turn, so history and outcomes stay in order.
     */
    held: <T>(message: UploadObserved, sender: StampedSender, work: HeldWork<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const classified = classifyObserved(message, sender, deps);
        // An early answer that fails is no answer: the turn's decides.
        const early = classified.then(work.early).catch(() => undefined);
        void early.then((reply) => reply !== undefined && resolve(reply));
        queued(async () => {
          const decided = await classified
            .then(async (upload) => {
              await early;
              return work.decide(upload && (await scoreClassified(upload, deps)));
            })
            .catch((err: unknown) => {
              reject(err);
              throw err;
            });
          resolve(decided.reply);
          await decided.after;
        }).catch((err: unknown) => console.error('[upwatch] storing a held upload failed', err));
      }),
    /** Other work that must see the uploads before it stored (response outcomes). */
    inTurn: <T>(work: () => Promise<T>) => queued(work),
  };
}
