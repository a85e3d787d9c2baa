/**
 * `/settings/risk`: every score with its recommended default, a caution above 7, and a what-if
 * preview of how the latest stored events would score before saving. Saving applies to future
 * events only (stored events keep their scores) and is audited by the console.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, apiWithEtag, PRECONDITION_FAILED } from '../api';
import type { ApiAnswer } from '../api-types';
import { LoadState, Page, RoleNote, SeverityBadge, Table, useLoad } from '../components';
import { NoticeLine, useChange } from '../forms';
import { Link } from '../router';
import { can, ROLE_NEEDED, useSession } from '../session';

type Scores = Record<string, Record<string, number>>;
interface RiskAnswer {
  riskSettings: Record<string, unknown>;
  effective: { scores: Scores };
  recommended: Scores;
  cautions: string[];
}
type Preview = ApiAnswer<'/api/v1/risk-settings/preview', 'post'>;
const GROUPS: [string, string][] = [
  ['user', 'User indicators'],
  ['destination', 'Destination categories'],
  ['source', 'Source categories'],
  ['file', 'File categories'],
];
const CAUTION_ABOVE = 7;

export function RiskSettings() {
  const { user } = useSession();
  // With its ETag: a save is made to the settings as loaded, and refused if someone saved others meanwhile.
  const state = useLoad(() => apiWithEtag<RiskAnswer>('/api/v1/risk-settings'), 'risk');
  const [draft, setDraft] = useState<Scores | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const { notice, run } = useChange();
  const editable = can.editRiskSettings(user.role);
  const data = state.data?.data;
  const scores = draft ?? data?.effective.scores ?? null;
  const settingsWith = (s: Scores) => ({ ...(data?.riskSettings ?? {}), scores: s });
  const set = (group: string, key: string, value: number) => {
    if (!scores) return;
    setDraft({ ...scores, [group]: { ...scores[group], [key]: value } });
    setPreview(null);
  };
  // A preview changes nothing: it says only why it failed.
  const runPreview = () =>
    run(async () =>
      setPreview(await api<Preview>('/api/v1/risk-settings/preview', { method: 'POST', body: { riskSettings: settingsWith(scores!), limit: 1000 } })),
    );
  const save = () =>
    run(async () => {
      const etag = state.data?.etag;
      try {
        await api('/api/v1/risk-settings', { method: 'PUT', body: settingsWith(scores!), ...(etag && { ifMatch: etag }) });
      } catch (err) {
        // The draft stays, so nothing typed is lost; the reload shows what the other person saved.
        if (err instanceof ApiError && err.status === PRECONDITION_FAILED)
          throw new Error(
            'Not saved: someone else changed the risk settings since this page loaded them. Reload the page to see their change, then make yours again.',
          );
        throw err;
      }
      setDraft(null);
      setPreview(null);
      state.reload();
    }, 'Saved. New scores apply to events from now on; stored events keep theirs.');
  return (
    <Page title="Risk settings">
      <p>
        Each indicator adds its weight (0–10) to an event's score. Weights above {CAUTION_ABOVE} make an event high or critical on their own. Changes apply to
        future events; every change is in the <Link href="/audit">audit log</Link>.
      </p>
      {!editable && <RoleNote text={`Read only: you can preview but not save. ${ROLE_NEEDED.analyst}`} />}
      <LoadState state={state} what="risk settings" />
      {data && scores && (
        <form onSubmit={(e) => e.preventDefault()} aria-label="Risk scores">
          <div class="grid2">
            {GROUPS.map(([group, title]) => (
              <fieldset key={group} class="card scores">
                <legend>{title}</legend>
                {Object.entries(scores[group] ?? {}).map(([key, value]) => {
                  const recommended = data.recommended[group]?.[key];
                  const id = `score-${group}-${key}`;
                  return (
                    <div class="score-row" key={key}>
                      <label for={id}>{key.replaceAll('_', ' ')}</label>
                      <input
                        id={id}
                        type="number"
                        min={0}
                        max={10}
                        step={1}
                        value={value}
                        aria-describedby={`${id}-note`}
                        onInput={(e) => set(group, key, Number((e.currentTarget as HTMLInputElement).value))}
                      />
                      <span id={`${id}-note`} class={value > CAUTION_ABOVE ? 'caution' : 'muted'}>
                        recommended {recommended ?? '—'}
                        {value > CAUTION_ABOVE ? ' · caution: above 7' : ''}
                      </span>
                    </div>
                  );
                })}
              </fieldset>
            ))}
          </div>
          <div class="form-actions">
            <button type="button" class="secondary" onClick={() => void runPreview()}>
              Preview on recent events
            </button>
            {editable && (
              <button type="button" onClick={() => void save()} disabled={!draft}>
                Save risk settings
              </button>
            )}
            <button type="button" class="secondary" onClick={() => (setDraft(data.recommended), setPreview(null))}>
              Reset to recommended
            </button>
          </div>
        </form>
      )}
      <NoticeLine notice={notice} />
      {preview && (
        <div class="card" aria-live="polite">
          <h2>What-if preview</h2>
          <p>
            <strong>{preview.changed}</strong> of the {preview.events.length} latest events would score differently.
            {preview.cautions.length > 0 && ` Cautions: ${preview.cautions.join('; ')}`}
          </p>
          <Table caption="Events whose score would change" columns={['Event', 'Now', 'Would be']}>
            {preview.events
              .filter((e) => e.before.score !== e.after.score || e.before.severity !== e.after.severity)
              .slice(0, 100)
              .map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link href={`/events/${e.id}`}>{e.id.slice(0, 8)}</Link>
                  </td>
                  <td>
                    {e.before.score} <SeverityBadge severity={e.before.severity} />
                  </td>
                  <td>
                    {e.after.score} <SeverityBadge severity={e.after.severity} />
                  </td>
                </tr>
              ))}
          </Table>
        </div>
      )}
    </Page>
  );
}
