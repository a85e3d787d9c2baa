/**
 * One model session per user action: the files of one drop arrive in several messages (all with
 * the action's id), and the budget is the action's, not the message's. Sessions of old actions are
 * forgotten (oldest first) so the map stays small.
 */
import { ContentModelSession, type SessionOptions } from './session';

export class ContentModelBudgets {
  private readonly sessions = new Map<string, { session: ContentModelSession; lastUsed: number }>();

  constructor(
    private readonly options: Omit<SessionOptions, 'now'> & { now: () => number },
    /** Actions remembered at once. */
    private readonly capacity = 32,
    /** An action unseen for this long starts afresh (a new drop reusing an id is a new action). */
    private readonly idleMs = 60_000,
  ) {}

  sessionFor(actionId: string): ContentModelSession {
    const now = this.options.now();
    const known = this.sessions.get(actionId);
    if (known && now - known.lastUsed < this.idleMs) {
      known.lastUsed = now;
      // Re-inserted so the map's order stays least recently used first.
      this.sessions.delete(actionId);
      this.sessions.set(actionId, known);
      return known.session;
    }
    const session = new ContentModelSession(this.options);
    this.sessions.delete(actionId);
    this.sessions.set(actionId, { session, lastUsed: now });
    while (this.sessions.size > this.capacity) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }
}
