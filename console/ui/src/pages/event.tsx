/** `/events/{id}`: one event — what a response rule did, each indicator's reason and weight, the file, destination, source and delivery. */
import type { ComponentChildren } from 'preact';
import { api } from '../api';
import type { ApiAnswer } from '../api-types';
import { bytes, FileName, LoadState, Page, SeverityBadge, Table, useLoad, when } from '../components';
import { FAILURE_WORDS, outcomeWords, type EventResponse } from '../response';
import { Link } from '../router';

/** An event as the console answers it (GET /api/v1/events/{id}; the search lists the same). */
export type ApiEvent = ApiAnswer<'/api/v1/events/{id}'>;
type Source = NonNullable<ApiEvent['source']>;

function Facts(props: { title: string; rows: [string, ComponentChildren][]; note?: ComponentChildren }) {
  return (
    <div class="card">
      <h2>{props.title}</h2>
      {props.note}
      {props.rows.length > 0 && (
        <dl class="facts">
          {props.rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** What a response rule did to the upload (docs/response.md); the justification is a person's typing, shown as text. */
function Response(props: { response?: EventResponse }) {
  const r = props.response;
  if (!r) return <Facts title="Response" rows={[]} note={<p class="muted">No response rule acted on this upload: it was monitored only.</p>} />;
  const outcome = r.outcome === 'bypassed' && r.justification ? `${outcomeWords(r.outcome)} with a justification` : outcomeWords(r.outcome);
  return (
    <Facts
      title="Response"
      rows={[
        ['Outcome', <strong>{outcome}</strong>],
        ['Action', r.action],
        ['Rule', r.ruleId ? <Link href={`/settings/rules#response-rule-${encodeURIComponent(r.ruleId)}`}>{r.ruleId}</Link> : <span class="muted">none</span>],
        ['Justification', r.justification ? <span class="prewrap justification">{r.justification}</span> : <span class="muted">—</span>],
        ['Decided in', `${Math.round(r.decidedInMs * 10) / 10} ms`],
        ['Failure mode', r.failure ? (FAILURE_WORDS[r.failure] ?? r.failure) : <span class="muted">no: a rule decided</span>],
        ...(r.temporaryAllowUntil ? ([['Temporary allow', `in force until ${when(r.temporaryAllowUntil)}`]] as [string, string][]) : []),
      ]}
    />
  );
}

export function EventDetail(props: { id: string }) {
  const state = useLoad(() => api<ApiEvent>(`/api/v1/events/${encodeURIComponent(props.id)}`), props.id);
  const e = state.data;
  return (
    <Page title="Event">
      <LoadState state={state} what="the event" always />
      {e && (
        <>
          <p class="lede">
            <FileName name={e.file.name} /> to {e.destination.serviceName ?? e.destination.host} by{' '}
            {e.user.email ? <Link href={`/users/${encodeURIComponent(e.user.email)}`}>{e.user.email}</Link> : 'an unknown user'} — score {e.risk.score}{' '}
            <SeverityBadge severity={e.risk.severity} />
            {e.response && <> — {outcomeWords(e.response.outcome).toLowerCase()}</>}
          </p>
          <Response response={e.response} />
          <div class="card">
            <Table caption={`Risk indicators (settings ${e.risk.settingsVersion})`} columns={['Indicator', 'Group', 'Weight', 'Reason']}>
              {e.risk.indicators.map((i) => (
                <tr key={i.id}>
                  <td>{i.id}</td>
                  <td>{i.group}</td>
                  <td class="num">{i.weight}</td>
                  <td>{i.reason}</td>
                </tr>
              ))}
            </Table>
          </div>
          <div class="grid2">
            <Facts
              title="File"
              rows={[
                ['Name', <FileName name={e.file.name} />],
                ['Size', bytes(e.file.size)],
                ['Category', e.file.category],
                ['By extension', `${e.file.categoryByExtension} (.${e.file.extension})`],
                ['By content', `${e.file.categoryByContent}${e.file.mimeByContent ? ` (${e.file.mimeByContent})` : ''}`],
                ['Mismatch', e.file.mismatch ? 'yes: the content is not what the name says' : 'no'],
                [
                  'Evidence',
                  e.file.evidence?.length ? (
                    <ul>
                      {e.file.evidence.map((x, i) => (
                        <li key={i}>{x}</li>
                      ))}
                    </ul>
                  ) : (
                    '—'
                  ),
                ],
                ...(e.file.relativePath ? ([['Path', <FileName name={e.file.relativePath} />]] as [string, ComponentChildren][]) : []),
              ]}
            />
            <Facts
              title="Destination"
              rows={[
                ['Service', e.destination.serviceName ?? '—'],
                ['Category', e.destination.category],
                ['Host', e.destination.host],
                ['URL', <span class="url">{e.destination.url}</span>],
                ['Tab title', e.destination.tabTitle || '—'],
                ['Trusted', e.destination.trusted ? 'yes' : 'no'],
              ]}
            />
            <Facts
              title="Source"
              rows={(e.sources?.length ? e.sources : e.source ? [e.source] : []).map((s: Source, i): [string, string] => [
                `Source ${i + 1}`,
                `${s.serviceName ?? 'unknown service'} (${s.category}) — ${s.url}`,
              ])}
            />
            <Facts
              title="Delivery"
              rows={[
                ['Observed', when(e.observedAt)],
                ['Received', when(e.received.at)],
                ['Channel', `${e.channel}${e.trustedEvent ? '' : ' (untrusted event)'}${e.bridged ? ', seen by page hooks' : ''}`],
                ['Browser', `${e.device.browser} ${e.device.browserVersion} on ${e.device.os}, extension ${e.device.extensionVersion}`],
                ['Credential', e.received.credential ?? '—'],
                ['Client address', e.received.clientIp ?? '—'],
                ...((e.transfers ?? []).map((t, i) => [`Transfer ${i + 1}`, `${bytes(t.bytes)} by ${t.via} to ${t.host}`]) as [string, string][]),
                ...(e.tamper?.length ? ([['Tampering', e.tamper.join(', ')]] as [string, string][]) : []),
              ]}
            />
          </div>
          <p class="muted">Event id {e.id}</p>
        </>
      )}
    </Page>
  );
}
