/**
 * Retention of the per-browser rows (browser_health, ../events/browser-health.ts): a browser the
 * console has not heard from for longer than the events' retention is forgotten. A fleet that
 * churns browsers (re-imaged laptops, new profiles: each one a new random browser id) would
 * otherwise grow the table for ever, and a person's page would list browsers gone for years.
 *
 * The window is the events' retention setting, not a setting of its own: a row holds the same
 * personal data as the events it came with (the person, their address, their device), so keeping
 * it longer than the admin chose for events would keep that data past the retention they set, and
 * forgetting it sooner would hide the health (drops, dead letters) of browsers whose events are
 * still there. A browser still reporting is never removed: each batch moves its last-seen time on.
 *
 * A legal hold keeps a held person's browsers too, as it keeps their own exposure figures
 * (../events/exposure-aggregates.ts pruneExposureBefore): the hold covers what the console keeps
 * about the person, and a browser's dropped events and dead letters say how complete their record is.
 */
import type { Kysely } from 'kysely';
import type { ConsoleDatabase } from '../db/schema';

/** Rows per delete transaction, as for events: ingest's upserts wait only milliseconds. */
const CHUNK = 500;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes the browsers last heard from before `cutoff` (the receipt time of their last batch),
 * but not those of a person under legal hold; answers how many went. Stops between chunks once
 * `stopped()` says so (the console is closing), after its first chunk.
 */
export async function purgeBrowsersBefore(db: Kysely<ConsoleDatabase>, cutoff: number, stopped: () => boolean): Promise<number> {
  let deleted = 0;
  let after: { at: number; key: string } | undefined;
  for (let first = true; first || !stopped(); first = false) {
    const chunk = await db.transaction().execute(async (trx) => {
      // Chosen inside the transaction that deletes them, so a hold placed meanwhile wins.
      let q = trx
        .selectFrom('browser_health')
        .select(['browser_key', 'received_at'])
        .where('received_at', '<', cutoff)
        .where((eb) => eb.or([eb('user_email', 'is', null), eb('user_email', 'not in', eb.selectFrom('legal_holds').select('email'))]))
        .orderBy('received_at')
        .orderBy('browser_key')
        .limit(CHUNK);
      // Held browsers stay in the range: continue after the last chunk instead of reading them again.
      const from = after;
      if (from) q = q.where((eb) => eb.or([eb('received_at', '>', from.at), eb.and([eb('received_at', '=', from.at), eb('browser_key', '>', from.key)])]));
      const rows = await q.execute();
      if (rows.length === 0) return { rows, removed: 0 };
      // The age is checked again as the row is deleted: a browser whose batch was stored since it
      // was chosen (PostgreSQL, another node) has been heard from, and stays.
      const result = await trx
        .deleteFrom('browser_health')
        .where(
          'browser_key',
          'in',
          rows.map((r) => r.browser_key),
        )
        .where('received_at', '<', cutoff)
        .executeTakeFirst();
      return { rows, removed: Number(result.numDeletedRows) };
    });
    deleted += chunk.removed;
    const last = chunk.rows.at(-1);
    if (!last || chunk.rows.length < CHUNK) break;
    after = { at: Number(last.received_at), key: last.browser_key };
    await nextTurn();
  }
  return deleted;
}
