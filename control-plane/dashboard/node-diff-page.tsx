import type { DiffEntry, NodeView } from '../reconciler/fleet-view.ts';
import { isDrifted } from './fleet-page.tsx';
import { formatAgo, formatJson, formatTime, shortFingerprint } from './format.ts';
import { CsrfField, Layout, type PageContext } from './layout.tsx';

/** Desired vs observed config of one node, as JSON paths with both values. */
export function NodeDiffPage(props: { ctx: PageContext; node: NodeView; diff: DiffEntry[] }) {
  const { ctx, node, diff } = props;
  return (
    <Layout ctx={ctx} title={`Node ${node.id}`} nav="fleet">
      <p class="crumbs">
        <a href={ctx.base}>Fleet</a> / {node.id}
      </p>
      <div class="title-row">
        <h1>{`Node ${node.id}`}</h1>
        <form method="post" action={`${ctx.base}/reconcile`}>
          <CsrfField token={ctx.csrf} />
          <input type="hidden" name="back" value={`/nodes/${encodeURIComponent(node.id)}/diff`} />
          <button type="submit">Reconcile now</button>
        </form>
      </div>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span class={`badge status-${node.status}`}>{node.status.replace('_', ' ')}</span>
        </dd>
        <dt>Admin API</dt>
        <dd class="mono">{node.adminUrl}</dd>
        <dt>Desired fingerprint</dt>
        <dd class="mono">{node.desiredFingerprint ?? '—'}</dd>
        <dt>Observed fingerprint</dt>
        <dd class={isDrifted(node) ? 'mono differs' : 'mono'}>{node.observedFingerprint ?? '—'}</dd>
        <dt>Last push</dt>
        <dd>{`${formatTime(node.lastPushAt)} (${formatAgo(node.lastPushAt, ctx.now)})`}</dd>
        <dt>Last error</dt>
        <dd>{node.lastError ? `${node.lastError.code}: ${node.lastError.message}` : '—'}</dd>
      </dl>
      <h2>{diff.length === 0 ? 'No differences' : `${diff.length} difference${diff.length === 1 ? '' : 's'}`}</h2>
      {diff.length === 0 ? (
        <p class="muted">{`The node's live config matches the desired config (${shortFingerprint(node.desiredFingerprint)}).`}</p>
      ) : (
        <div class="scroll">
          <table class="diff">
            <thead>
              <tr>
                <th scope="col">JSON path</th>
                <th scope="col">Desired</th>
                <th scope="col">Observed</th>
              </tr>
            </thead>
            <tbody>
              {diff.map((d) => (
                <tr>
                  <th scope="row" class="mono path">
                    {d.path}
                  </th>
                  <td>
                    <pre class={d.desired === undefined ? 'absent' : undefined}>{formatJson(d.desired)}</pre>
                  </td>
                  <td>
                    <pre class={d.observed === undefined ? 'absent' : 'observed'}>{formatJson(d.observed)}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
