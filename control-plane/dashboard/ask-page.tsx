import type { AskActivitySnapshot } from './deps.ts';
import { Layout, type PageContext } from './layout.tsx';

const W = 600;
const H = 140;

/** Allowed and denied per minute as an SVG bar chart (attributes, not inline styles: the CSP forbids those). */
function MinuteChart(props: { snapshot: AskActivitySnapshot }) {
  const rows = props.snapshot.perMinute;
  const max = Math.max(1, ...rows.map((r) => r.allowed + r.denied));
  const slot = W / Math.max(1, rows.length);
  const bar = Math.max(1, slot - 2);
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label="Ask answers per minute, last hour"
    >
      <title>Ask answers per minute, last hour</title>
      <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} class="axis" />
      {rows.map((r, i) => {
        const allowedH = (r.allowed / max) * (H - 4);
        const deniedH = (r.denied / max) * (H - 4);
        const x = i * slot + 1;
        const label = `${new Date(r.minute).toISOString().slice(11, 16)} UTC: ${r.allowed} allowed, ${r.denied} denied`;
        return (
          <g>
            <title>{label}</title>
            <rect x={x} y={H - allowedH} width={bar} height={allowedH} class="allowed" />
            <rect x={x} y={H - allowedH - deniedH} width={bar} height={deniedH} class="denied" />
          </g>
        );
      })}
    </svg>
  );
}

/** Ask activity: allowed and denied per minute over the last hour, and the top denied names. */
export function AskPage(props: { ctx: PageContext; snapshot: AskActivitySnapshot }) {
  const { ctx, snapshot } = props;
  const allowed = snapshot.perMinute.reduce((s, r) => s + r.allowed, 0);
  const denied = snapshot.perMinute.reduce((s, r) => s + r.denied, 0);
  const last = snapshot.perMinute[snapshot.perMinute.length - 1];
  const busy = snapshot.perMinute.filter((r) => r.allowed + r.denied > 0).reverse();
  return (
    <Layout ctx={ctx} title="Ask activity" nav="ask">
      <h1>Ask activity</h1>
      <ul class="cards">
        <li class="card">
          <span class="big">{allowed}</span> allowed (1 h)
        </li>
        <li class={denied > 0 ? 'card attention' : 'card'}>
          <span class="big">{denied}</span> denied (1 h)
        </li>
        <li class="card">
          <span class="big">{last ? `${last.allowed} / ${last.denied}` : '—'}</span> allowed / denied now
        </li>
      </ul>
      <figure>
        <MinuteChart snapshot={snapshot} />
        <figcaption class="small">
          <span class="key allowed" /> allowed <span class="key denied" /> denied, per minute over the last hour (oldest
          left).
        </figcaption>
      </figure>
      <h2>Top denied names</h2>
      {snapshot.topDenied.length === 0 ? (
        <p class="muted">Nothing denied in the last hour.</p>
      ) : (
        <table class="top-denied">
          <thead>
            <tr>
              <th scope="col">Name asked for</th>
              <th scope="col" class="num">
                Denied
              </th>
            </tr>
          </thead>
          <tbody>
            {snapshot.topDenied.map((t) => (
              <tr>
                <th scope="row" class="mono">
                  {t.name}
                </th>
                <td class="num">{t.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>{`Minutes with activity (${busy.length})`}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Minute (UTC)</th>
              <th scope="col" class="num">
                Allowed
              </th>
              <th scope="col" class="num">
                Denied
              </th>
            </tr>
          </thead>
          <tbody>
            {busy.map((r) => (
              <tr>
                <td>{new Date(r.minute).toISOString().slice(0, 16).replace('T', ' ')}</td>
                <td class="num">{r.allowed}</td>
                <td class="num">{r.denied}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </Layout>
  );
}
