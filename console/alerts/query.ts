/** The columns every reader of an alert needs, with its rule's name: one query for the API and the notification outbox. */
import type { Kysely } from 'kysely';
import type { ConsoleDatabase } from '../db/schema';

export function alertQuery(db: Kysely<ConsoleDatabase>) {
  return db
    .selectFrom('alerts as a')
    .innerJoin('alert_rules as r', 'r.id', 'a.rule_id')
    .select([
      'a.seq',
      'a.id',
      'a.rule_id',
      'r.name as rule_name',
      'a.user_email',
      'a.state',
      'a.severity_rank',
      'a.event_count',
      'a.first_event_at',
      'a.last_event_at',
      'a.created_at',
      'a.updated_at',
      'a.assignee',
      'a.note_count',
      'a.change_seq',
      'a.created_seq',
    ]);
}
