/**
 * The Response rules section of `/settings/rules`: the synced `responseRules` in their order (first
 * match wins), and for admins add, edit, remove and reorder. Every change is made to the synced
 * policy as this page loaded it and put back whole with only `responseRules` changed, with the
 * ETag it was loaded with (If-Match): when someone else saved the policy meanwhile the console
 * answers 412 and writes nothing, and the page says so and offers to reload, the form keeping the
 * admin's edit, so neither change is lost unseen. The console validates each rule; its 400 names
 * the rule by position, and the problem is shown beside that rule.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, apiWithEtag, PRECONDITION_FAILED } from '../api';
import type { ApiAnswer } from '../api-types';
import { LoadState, RoleNote, Table, useLoad } from '../components';
import { NoticeLine, type Notice } from '../forms';
import { conditionsInWords, problemsByRule, RESPONSE_RULES_KEY, type ResponseRule } from '../response';
import { can, ROLE_NEEDED, useSession } from '../session';
import { ResponseRuleForm, type WatchlistInfo } from './response-rule-form';

type Settings = Record<string, unknown>;
/** Where the form is: adding, editing the rule with this id, or closed. */
type Editing = { id: string | null } | null;
/** Errors keyed by what shows them: the open form ('form') or a listed rule's id. */
type Errors = Record<string, string[]>;

const rulesOf = (settings: Settings): ResponseRule[] => (Array.isArray(settings[RESPONSE_RULES_KEY]) ? (settings[RESPONSE_RULES_KEY] as ResponseRule[]) : []);

/** Why a rule cannot apply on browsers: it names a watchlist whose membership browsers are not told. */
function watchlistWarnings(rule: ResponseRule, lists: WatchlistInfo[]): string[] {
  return (rule.when?.watchlists ?? []).flatMap((id) => {
    const list = lists.find((l) => l.id === id);
    if (list?.syncToBrowsers) return [];
    const departing = id === 'departing' ? ' (only where a browser’s managed policy sets departingWatchlist)' : '';
    return [
      list
        ? `Watchlist “${list.name}” (${id}) is not synced to browsers: this rule cannot apply on browsers${departing}. Mark it “sync to browsers” on the Watchlists page.`
        : `No watchlist “${id}” exists: this rule cannot apply on browsers${departing}.`,
    ];
  });
}

export function ResponseRules() {
  const { user } = useSession();
  const editable = can.admin(user.role);
  const policy = useLoad(() => apiWithEtag<{ settings: Settings }>('/api/v1/policy'), 'response-rules');
  const lists = useLoad(() => api<ApiAnswer<'/api/v1/watchlists'>>('/api/v1/watchlists'), 'response-watchlists');
  const [editing, setEditing] = useState<Editing>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [notice, setNotice] = useState<Notice>(null);
  /** Someone else saved the policy since it was loaded: the page offers to reload. */
  const [conflict, setConflict] = useState(false);
  /** The policy every change is made to: as loaded, then as this page last saved it (before the reload is in). */
  const base = useRef<{ settings: Settings; etag: string | null } | null>(null);
  useEffect(() => {
    if (policy.data) base.current = { settings: policy.data.data.settings, etag: policy.data.etag };
  }, [policy.data]);
  const rules = policy.data ? rulesOf(policy.data.data.settings) : [];
  const watchlists = lists.data?.watchlists ?? [];
  // A link from an event names its rule in the fragment: mark that row once the rules are in.
  const target = decodeURIComponent(window.location.hash.replace(/^#response-rule-/, ''));
  useEffect(() => {
    if (policy.data && target) document.getElementById(`response-rule-${target}`)?.scrollIntoView({ block: 'center' });
  }, [policy.data, target]);

  /** Applies `edit` to the rules as the console has them now and saves; `edited` is the form's rule, if any. */
  const change = async (edit: (rules: ResponseRule[]) => ResponseRule[], done: string, edited?: ResponseRule): Promise<boolean> => {
    setNotice(null);
    setConflict(false);
    let next: ResponseRule[] = [];
    try {
      const loaded = base.current;
      if (!loaded) throw new Error('The policy is not loaded yet.');
      next = edit(rulesOf(loaded.settings));
      const settings = { ...loaded.settings };
      // No rule left: the key goes, and browsers are back to monitoring only.
      if (next.length) settings[RESPONSE_RULES_KEY] = next;
      else delete settings[RESPONSE_RULES_KEY];
      const saved = await api<{ etag: string }>('/api/v1/policy', { method: 'PUT', body: settings, ...(loaded.etag && { ifMatch: loaded.etag }) });
      base.current = { settings, etag: saved.etag };
      setErrors({});
      setNotice({ ok: true, text: done });
      policy.reload();
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === PRECONDITION_FAILED) {
        setErrors({});
        setConflict(true);
        setNotice({
          ok: false,
          text: 'Not saved: the synced policy was changed by someone else since this page loaded it. Reload to see their change, then make yours again.',
        });
        return false;
      }
      const problems = err instanceof ApiError && Array.isArray(err.details.problems) ? (err.details.problems as unknown[]).map(String) : [];
      const { byIndex, other } = problemsByRule(problems);
      const found: Errors = {};
      for (const [index, texts] of byIndex) {
        const rule = next[index];
        const key = rule === edited ? 'form' : (rule?.id ?? 'form');
        found[key] = [...(found[key] ?? []), ...texts];
      }
      setErrors(found);
      const rest = problems.length ? other : [(err as Error).message];
      setNotice(rest.length ? { ok: false, text: rest.join('; ') } : { ok: false, text: 'Not saved: the console refused a rule (see beside it).' });
      return false;
    }
  };

  const save = async (rule: ResponseRule) => {
    const id = editing?.id ?? null;
    const ok = await change(
      (current) => {
        if (id === null) return [...current, rule];
        const at = current.findIndex((r) => r.id === id);
        return at < 0 ? [...current, rule] : current.map((r, i) => (i === at ? rule : r));
      },
      id === null ? `Response rule ${rule.id} added.` : `Response rule ${rule.id} saved.`,
      rule,
    );
    if (ok) setEditing(null);
    return ok;
  };
  const move = (id: string, by: -1 | 1) =>
    void change(
      (current) => {
        const at = current.findIndex((r) => r.id === id);
        const to = at + by;
        if (at < 0 || to < 0 || to >= current.length) return current;
        const next = [...current];
        [next[at], next[to]] = [next[to]!, next[at]!];
        return next;
      },
      `Response rule ${id} moved ${by < 0 ? 'up' : 'down'}.`,
    );
  const remove = (id: string) => void change((current) => current.filter((r) => r.id !== id), `Response rule ${id} removed.`);

  const columns = ['#', 'Rule', 'When', 'Action', 'Message', 'Justification', 'Temporary allow', editable && 'Change'];
  return (
    <section aria-labelledby="response-rules-title">
      <h2 id="response-rules-title">Response rules</h2>
      <p>
        Synced to browsers in the policy key <code>responseRules</code>: for each upload the <strong>first rule that applies</strong> decides whether it is
        allowed, noticed, warned about or blocked, before the page gets the file. No rule: browsers only monitor. A browser’s managed policy, when it sets{' '}
        <code>responseRules</code>, wins over this list.
      </p>
      <LoadState state={policy} what="response rules" />
      <LoadState state={lists} what="watchlists" />
      <NoticeLine notice={notice} />
      {conflict && (
        <p>
          <button
            type="button"
            onClick={() => {
              setConflict(false);
              setNotice(null);
              policy.reload();
            }}
          >
            Reload the response rules
          </button>
        </p>
      )}
      {policy.data && (
        <div class="card">
          <Table caption={rules.length ? `${rules.length} response rule${rules.length === 1 ? '' : 's'}, in order` : 'No response rules'} columns={columns}>
            {rules.map((r, i) => {
              const warnings = lists.data ? watchlistWarnings(r, watchlists) : [];
              const rowErrors = errors[r.id] ?? [];
              return (
                <tr key={r.id} id={`response-rule-${r.id}`} class={target === r.id ? 'targeted' : undefined}>
                  <td class="num">{i + 1}</td>
                  <td>
                    <code>{r.id}</code>
                    {rowErrors.length > 0 && (
                      <ul role="alert" class="error">
                        {rowErrors.map((e, j) => (
                          <li key={j}>{e}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    {conditionsInWords(r.when)}
                    {warnings.map((w, j) => (
                      <p key={j} class="caution">
                        {w}
                      </p>
                    ))}
                  </td>
                  <td>{r.action}</td>
                  <td>
                    {r.message ? <p class="prewrap">{r.message}</p> : <span class="muted">—</span>}
                    {r.learnMoreUrl && <p class="url muted">Learn more: {r.learnMoreUrl}</p>}
                  </td>
                  <td>{r.action === 'warn' ? (r.justification ?? 'none') : <span class="muted">— (warn only)</span>}</td>
                  <td>{r.action === 'warn' && r.temporaryAllowMinutes ? `${r.temporaryAllowMinutes} min` : <span class="muted">—</span>}</td>
                  {editable && (
                    <td>
                      <div class="row-actions">
                        <button type="button" class="secondary" aria-label={`Edit ${r.id}`} onClick={() => setEditing({ id: r.id })}>
                          Edit
                        </button>
                        <button type="button" class="secondary" aria-label={`Move ${r.id} up`} disabled={i === 0} onClick={() => move(r.id, -1)}>
                          Up
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`Move ${r.id} down`}
                          disabled={i === rules.length - 1}
                          onClick={() => move(r.id, 1)}
                        >
                          Down
                        </button>
                        <button type="button" class="secondary" aria-label={`Remove ${r.id}`} onClick={() => remove(r.id)}>
                          Remove
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              );
            })}
          </Table>
        </div>
      )}
      {policy.data && editable && editing && (
        <ResponseRuleForm
          key={editing.id ?? 'new'}
          rule={editing.id === null ? undefined : rules.find((r) => r.id === editing.id)}
          watchlists={watchlists}
          errors={errors.form ?? []}
          onSave={save}
          onCancel={() => {
            setEditing(null);
            setErrors({});
          }}
        />
      )}
      {policy.data && editable && !editing && (
        <button type="button" onClick={() => setEditing({ id: null })}>
          Add response rule
        </button>
      )}
      {!editable && <RoleNote text={`Read only: changing response rules ${ROLE_NEEDED.admin.toLowerCase()}`} />}
    </section>
  );
}
