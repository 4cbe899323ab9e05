import type { Domain } from '../store/domain.ts';
import type { AuditEvent } from '../store/domain-repo.ts';
import type { CertRow } from './deps.ts';
import { formatDays, formatJson, formatTime } from './format.ts';
import { Layout, type PageContext } from './layout.tsx';

/** What changed between an audit event's before and after snapshots, as `field: a → b` lines. */
function changes(e: AuditEvent): string[] {
  const before = (e.before ?? {}) as Record<string, unknown>;
  const after = (e.after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: string[] = [];
  for (const k of keys) {
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(after[k]);
    if (a !== b) out.push(`${k}: ${a ?? '—'} → ${b ?? '—'}`);
  }
  return out;
}

function CertificateTable(props: { certs: CertRow[] | null; now: number }) {
  if (props.certs === null) return <p class="muted">The certificate storage could not be read.</p>;
  if (props.certs.length === 0) {
    return <p class="muted">No certificate stored yet: one is issued at the first TLS handshake for the name.</p>;
  }
  return (
    <dl class="facts">
      {props.certs.map((c) => [
        <dt>Status</dt>,
        <dd>
          <span class={`badge cert-${c.status}`}>{c.status}</span>
          {c.error ? <span class="muted"> {c.error}</span> : null}
        </dd>,
        <dt>Issuer</dt>,
        <dd>{c.issuer ?? '—'}</dd>,
        <dt>Not before</dt>,
        <dd>{formatTime(c.notBefore)}</dd>,
        <dt>Not after</dt>,
        <dd>{`${formatTime(c.notAfter)} (${formatDays(c.daysLeft)} left)`}</dd>,
      ])}
    </dl>
  );
}

/** One domain: status and reason, upstream, metadata, event timeline, certificate. */
export function DomainPage(props: { ctx: PageContext; domain: Domain; events: AuditEvent[]; certs: CertRow[] | null }) {
  const { ctx, domain: d } = props;
  const metadata = Object.entries(d.metadata);
  return (
    <Layout ctx={ctx} title={d.hostname} nav="domains">
      <p class="crumbs">
        <a href={`${ctx.base}/domains`}>Domains</a> / {d.hostname}
      </p>
      <h1>{d.hostname}</h1>
      <dl class="facts">
        {d.hostnameUnicode !== d.hostname ? [<dt>Unicode</dt>, <dd>{d.hostnameUnicode}</dd>] : null}
        <dt>Status</dt>
        <dd>
          <span class={`badge st-${d.status}`}>{d.status}</span>
          {d.statusReason ? <span> {d.statusReason}</span> : null}
        </dd>
        <dt>Upstream</dt>
        <dd>{d.upstream ?? 'default (catch-all route)'}</dd>
        <dt>Created</dt>
        <dd>{formatTime(d.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(d.updatedAt)}</dd>
      </dl>
      <h2>Metadata</h2>
      {metadata.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <table class="kv">
          <tbody>
            {metadata.map(([k, v]) => (
              <tr>
                <th scope="row" class="mono">
                  {k}
                </th>
                <td>
                  <pre>{formatJson(v)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Certificate</h2>
      <CertificateTable certs={props.certs} now={ctx.now} />
      <h2>Timeline</h2>
      {props.events.length === 0 ? (
        <p class="muted">No events.</p>
      ) : (
        <ol class="timeline">
          {props.events.map((e) => (
            <li>
              <span class="when">{formatTime(e.at)}</span> <strong>{e.action.replace('_', ' ')}</strong>
              <span class="muted"> by {e.actor}</span>
              {e.reason ? <span> · {e.reason}</span> : null}
              <ul class="changes">
                {changes(e).map((line) => (
                  <li class="mono small">{line}</li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}
