/** `/`: risk exposure over a chosen range — severity over time, top users, destinations, indicators. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, qs } from '../api';
import type { ApiAnswer } from '../api-types';
import { ErrorBox, Loading, Page, SeverityBadge, Table, useLoad } from '../components';
import { SEVERITIES, type Severity } from '../identifiers';
import { markRendered } from '../marks';
import { Link, navigate } from '../router';

/** The risk exposure over a range (GET /api/v1/exposure). */
type Exposure = ApiAnswer<'/api/v1/exposure'>;
/** Events per severity and in all. */
type Counts = Exposure['series']['totals'];

const RANGES: Record<string, { label: string; days: number; bucket: 'hour' | 'day' }> = {
  '24h': { label: 'Last 24 hours', days: 1, bucket: 'hour' },
  '7d': { label: 'Last 7 days', days: 7, bucket: 'day' },
  '30d': { label: 'Last 30 days', days: 30, bucket: 'day' },
  '90d': { label: 'Last 90 days', days: 90, bucket: 'day' },
};
const COLORS: Record<string, string> = { none: '#8a8f98', low: '#2f7dd1', moderate: '#c98a00', high: '#d9480f', critical: '#c2255c' };

function SeverityChart(props: { exposure: Exposure }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const buckets = props.exposure.series.buckets;
    const data: uPlot.AlignedData = [buckets.map((b) => Date.parse(b.start) / 1000), ...SEVERITIES.map((s) => buckets.map((b) => b[s]))];
    const plot = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 240,
        legend: { show: false },
        scales: { x: { time: true } },
        axes: [
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
        ],
        series: [{}, ...SEVERITIES.map((s) => ({ label: s, stroke: COLORS[s], width: 2, points: { show: buckets.length < 60 } }))],
      },
      data,
      el,
    );
    // The chart is drawn and the top tables rendered with it: the dashboard is on screen.
    markRendered('dashboard');
    const resize = () => plot.setSize({ width: Math.max(300, el.clientWidth), height: 240 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [props.exposure]);
  const totals = props.exposure.series.totals;
  const summary = SEVERITIES.map((s) => `${totals[s]} ${s}`).join(', ');
  return (
    <figure class="card chart">
      <figcaption>Events by severity per {props.exposure.series.bucket}</figcaption>
      <div ref={ref} role="img" aria-label={`Events by severity over time: ${summary}`} />
      <ul class="legend">
        {SEVERITIES.map((s) => (
          <li key={s}>
            <span class="swatch" style={{ background: COLORS[s] }} aria-hidden="true" /> {s}: {totals[s]}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function Dashboard(props: { query: URLSearchParams }) {
  const rangeKey = RANGES[props.query.get('range') ?? ''] ? props.query.get('range')! : '7d';
  const range = RANGES[rangeKey]!;
  const state = useLoad(() => {
    const to = new Date();
    const from = new Date(to.getTime() - range.days * 86_400_000);
    return api<Exposure>(`/api/v1/exposure${qs({ from: from.toISOString(), to: to.toISOString(), bucket: range.bucket })}`);
  }, rangeKey);
  const picker = (
    <label>
      Range{' '}
      <select value={rangeKey} onChange={(e) => navigate(`/${qs({ range: (e.currentTarget as HTMLSelectElement).value })}`)}>
        {Object.entries(RANGES).map(([k, r]) => (
          <option key={k} value={k}>
            {r.label}
          </option>
        ))}
      </select>
    </label>
  );
  const x = state.data;
  // "high or worse" counts high and critical: the link opens the same search (minSeverity).
  const atLeast = (totals: Counts, s: Severity) => SEVERITIES.slice(SEVERITIES.indexOf(s)).reduce((sum, k) => sum + (totals[k] ?? 0), 0);
  return (
    <Page title="Risk exposure" actions={picker}>
      {state.error && <ErrorBox error={state.error} />}
      {!x && !state.error && <Loading what="exposure" />}
      {x && (
        <>
          <div class="tiles">
            {(['total', 'critical', 'high', 'moderate'] as const).map((s) => (
              <Link key={s} class="tile card" href={`/events${qs({ minSeverity: s === 'total' ? undefined : s, observedFrom: x.from, observedTo: x.to })}`}>
                <span class="tile-value">{s === 'total' ? x.series.totals.total : atLeast(x.series.totals, s)}</span>
                <span class="tile-label">{s === 'total' ? 'events' : `${s}${s === 'critical' ? '' : ' or worse'}`}</span>
              </Link>
            ))}
          </div>
          <SeverityChart exposure={x} />
          <div class="grid3">
            <div class="card">
              <Table caption="Top users (by summed score)" columns={['User', 'Events', 'Score', 'Worst']}>
                {x.top.users.map((u) => (
                  <tr key={u.email ?? '-'}>
                    <td>{u.email ? <Link href={`/users/${encodeURIComponent(u.email)}`}>{u.email}</Link> : <span class="muted">unknown</span>}</td>
                    <td class="num">{u.events}</td>
                    <td class="num">{u.scoreSum}</td>
                    <td>
                      <SeverityBadge severity={u.maxSeverity} />
                    </td>
                  </tr>
                ))}
              </Table>
            </div>
            <div class="card">
              <Table caption="Top destinations" columns={['Destination', 'Category', 'Events', 'Score']}>
                {x.top.destinations.map((d) => (
                  <tr key={`${d.kind}:${d.destination}`}>
                    <td>
                      <Link href={`/events${qs({ [d.kind === 'service' ? 'serviceId' : 'host']: d.destination, observedFrom: x.from, observedTo: x.to })}`}>
                        {d.destination}
                      </Link>
                    </td>
                    <td>{d.category}</td>
                    <td class="num">{d.events}</td>
                    <td class="num">{d.scoreSum}</td>
                  </tr>
                ))}
              </Table>
            </div>
            <div class="card">
              <Table caption="Top indicators (by events)" columns={['Indicator', 'Events', 'Score']}>
                {x.top.indicators.map((i) => (
                  <tr key={i.indicator}>
                    <td>
                      <Link href={`/events${qs({ indicator: i.indicator, observedFrom: x.from, observedTo: x.to })}`}>{i.indicator}</Link>
                    </td>
                    <td class="num">{i.events}</td>
                    <td class="num">{i.scoreSum}</td>
                  </tr>
                ))}
              </Table>
            </div>
          </div>
        </>
      )}
    </Page>
  );
}
