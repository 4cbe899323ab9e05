import type { NodeView } from '../reconciler/fleet-view.ts';
import type { FleetMeta } from './deps.ts';
import { formatAgo, formatTime, shortFingerprint } from './format.ts';
import { CsrfField, Layout, type PageContext } from './layout.tsx';

const STATUS_LABEL: Record<string, string> = {
  in_sync: 'in sync',
  drifted: 'drifted',
  pushing: 'pushing',
  unreachable: 'unreachable',
  rejected: 'rejected',
  unknown: 'unknown',
};

/** True when the node's observed config is known to differ from the desired one. */
export function isDrifted(n: NodeView): boolean {
  if (n.status === 'drifted') return true;
  return (
    n.desiredFingerprint !== null && n.observedFingerprint !== null && n.desiredFingerprint !== n.observedFingerprint
  );
}

function NodeRow(props: { node: NodeView; base: string; now: number }) {
  const n = props.node;
  const drifted = isDrifted(n);
  const fpDiffers = n.observedFingerprint !== null && n.observedFingerprint !== n.desiredFingerprint;
  return (
    <tr class={drifted ? 'drift' : undefined} id={`node-${n.id}`} data-status={n.status}>
      <th scope="row">
        <a href={`${props.base}/nodes/${encodeURIComponent(n.id)}/diff`}>{n.id}</a>
        {n.lifecycle !== 'running' ? <span class="muted small"> ({n.lifecycle})</span> : null}
      </th>
      <td>
        <span class={`badge status-${n.status}`}>{STATUS_LABEL[n.status] ?? n.status}</span>
      </td>
      <td class="addr">
        <div>{n.httpsAddress ?? n.httpAddress ?? '—'}</div>
        <div class="muted small">{n.adminUrl}</div>
      </td>
      <td>{n.availabilityZone ?? '—'}</td>
      <td class="mono" title={n.desiredFingerprint ?? ''}>
        {shortFingerprint(n.desiredFingerprint)}
      </td>
      <td class={fpDiffers ? 'mono differs' : 'mono'} title={n.observedFingerprint ?? ''}>
        {shortFingerprint(n.observedFingerprint)}
      </td>
      <td title={formatTime(n.lastPushAt)}>{formatAgo(n.lastPushAt, props.now)}</td>
      <td class="error-cell">
        {n.lastError ? (
          <span title={`${formatTime(n.lastError.at)}: ${n.lastError.message}`}>
            <code>{n.lastError.code}</code> {n.lastError.message}
          </span>
        ) : (
          '—'
        )}
      </td>
      <td class="num">{n.adminLatencyMs === null ? '—' : `${Math.round(n.adminLatencyMs)} ms`}</td>
    </tr>
  );
}

/** The node table alone: the fragment `/fleet/table` returns for live refresh. */
export function FleetTable(props: { nodes: NodeView[]; base: string; now: number; version: string }) {
  const drifted = props.nodes.filter(isDrifted).length;
  const inSync = props.nodes.filter((n) => n.status === 'in_sync').length;
  return (
    <div id="fleet-table" data-version={props.version}>
      <p class="counts">
        <span class="count">{`${props.nodes.length} nodes`}</span>
        <span class="count ok">{`${inSync} in sync`}</span>
        <span class={drifted > 0 ? 'count warn' : 'count'}>{`${drifted} drifted`}</span>
        <span class="muted small">{`as of ${formatTime(props.now)}`}</span>
      </p>
      <div class="scroll">
        <table class="fleet">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Status</th>
              <th scope="col">Address</th>
              <th scope="col">AZ</th>
              <th scope="col">Desired</th>
              <th scope="col">Observed</th>
              <th scope="col">Last push</th>
              <th scope="col">Last error</th>
              <th scope="col">Admin latency</th>
            </tr>
          </thead>
          <tbody>
            {props.nodes.length === 0 ? (
              <tr>
                <td colspan={9} class="muted">
                  No nodes discovered yet.
                </td>
              </tr>
            ) : (
              props.nodes.map((n) => <NodeRow node={n} base={props.base} now={props.now} />)
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The fleet page: every node with its sync state, drift highlighted, and a reconcile-now action. */
export function FleetPage(props: { ctx: PageContext; nodes: NodeView[]; meta: FleetMeta; version: string }) {
  const { ctx, meta } = props;
  return (
    <Layout ctx={ctx} title="Fleet" nav="fleet" script>
      <div class="title-row">
        <h1>Fleet</h1>
        <form method="post" action={`${ctx.base}/reconcile`}>
          <CsrfField token={ctx.csrf} />
          <button type="submit">Reconcile now</button>
        </form>
      </div>
      {meta.generation !== undefined ? <p class="muted">{`Desired config generation ${meta.generation}`}</p> : null}
      {meta.stale ? (
        <p class="flash flash-error">{`Node discovery is failing; showing the last known nodes. ${meta.error ?? ''}`}</p>
      ) : null}
      {meta.storage ? (
        meta.storage.ok ? (
          <p class="muted" id="storage">{`Certificate storage (${meta.storage.kind}): healthy`}</p>
        ) : (
          <div class="flash flash-error" id="storage">
            {`Certificate storage (${meta.storage.kind}) has problems:`}
            <ul>
              {meta.storage.failing.map((c) => (
                <li>{`${c.name}: ${c.detail}`}</li>
              ))}
            </ul>
          </div>
        )
      ) : null}
      <section id="fleet-live" data-src={`${ctx.base}/fleet/table`} data-events={`${ctx.base}/events`}>
        <FleetTable nodes={props.nodes} base={ctx.base} now={ctx.now} version={props.version} />
      </section>
      <p class="muted small" id="live-note">
        Reload the page to refresh.
      </p>
    </Layout>
  );
}
