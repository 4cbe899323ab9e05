import type { CertificateSummary, CertRow } from './deps.ts';
import { formatDays, formatTime } from './format.ts';
import { CsrfField, Layout, type PageContext } from './layout.tsx';

function CertTable(props: { rows: CertRow[]; base: string; empty: string; link?: boolean }) {
  if (props.rows.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Hostname</th>
            <th scope="col">Status</th>
            <th scope="col">Issuer</th>
            <th scope="col">Not before</th>
            <th scope="col">Not after</th>
            <th scope="col">Days left</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((c) => (
            <tr>
              <th scope="row">
                {props.link ? (
                  <a href={`${props.base}/domains/${encodeURIComponent(c.hostname)}`}>{c.hostname}</a>
                ) : (
                  c.hostname
                )}
              </th>
              <td>
                <span class={`badge cert-${c.status}`}>{c.status}</span>
                {c.error ? <div class="muted small">{c.error}</div> : null}
              </td>
              <td>{c.issuer ?? '—'}</td>
              <td>{formatTime(c.notBefore)}</td>
              <td>{formatTime(c.notAfter)}</td>
              <td class="num">{formatDays(c.daysLeft)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A guarded delete: the operator must type the hostname again. */
function DeleteOrphanForm(props: { base: string; csrf: string; hostname: string }) {
  const id = `confirm-${props.hostname}`;
  return (
    <form method="post" action={`${props.base}/certificates/orphans/delete`} class="inline-form">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="hostname" value={props.hostname} />
      <label for={id} class="small">
        Type <code>{props.hostname}</code> to confirm
      </label>
      <input id={id} name="confirm" type="text" autocomplete="off" required maxlength={253} />
      <button type="submit" class="danger">
        Delete
      </button>
    </form>
  );
}

/** Issuer and validity of stored certificates: soonest expiring, missing, failing, orphaned. */
export function CertificatesPage(props: { ctx: PageContext; summary: CertificateSummary }) {
  const { ctx, summary: s } = props;
  const soonDays = s.minDaysLeft;
  return (
    <Layout ctx={ctx} title="Certificates" nav="certificates">
      <h1>Certificates</h1>
      <ul class="cards">
        <li class="card">
          <span class="big">{s.total}</span> stored
        </li>
        <li class={soonDays !== null && soonDays < 15 ? 'card warn' : 'card'}>
          <span class="big">{formatDays(soonDays)}</span> soonest expiry
        </li>
        <li class={s.missing.total > 0 ? 'card attention' : 'card'}>
          <span class="big">{s.missing.total}</span> missing
        </li>
        <li class={s.failing.length > 0 ? 'card warn' : 'card'}>
          <span class="big">{s.failing.length}</span> failing
        </li>
        <li class={s.orphaned.length > 0 ? 'card attention' : 'card'}>
          <span class="big">{s.orphaned.length}</span> orphaned
        </li>
      </ul>
      <p class="muted small">{`Storage read at ${formatTime(s.scannedAt)}.`}</p>
      <h2>Soonest expiring</h2>
      <CertTable rows={s.soonest} base={ctx.base} empty="No certificates in use." link />
      <h2>Failing</h2>
      <CertTable rows={s.failing} base={ctx.base} empty="No expired, expiring or unreadable certificates." link />
      <h2>Missing</h2>
      {s.missing.total === 0 ? (
        <p class="muted">Every active domain has a stored certificate.</p>
      ) : (
        <>
          <p>
            {`${s.missing.total} active domain${s.missing.total === 1 ? ' has' : 's have'} no stored certificate. `}
            <span class="muted">
              Normal until the first TLS handshake for the name; persistent ones point at failing issuance.
            </span>
          </p>
          <ul class="names">
            {s.missing.sample.map((h) => (
              <li>
                <a href={`${ctx.base}/domains/${encodeURIComponent(h)}`}>{h}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Orphaned</h2>
      {s.orphaned.length === 0 ? (
        <p class="muted">No certificates for removed domains.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Hostname</th>
                <th scope="col">Issuer</th>
                <th scope="col">Not after</th>
                <th scope="col">Delete from storage</th>
              </tr>
            </thead>
            <tbody>
              {s.orphaned.map((c) => (
                <tr>
                  <th scope="row">{c.hostname}</th>
                  <td>{c.issuer ?? '—'}</td>
                  <td>{formatTime(c.notAfter)}</td>
                  <td>
                    <DeleteOrphanForm base={ctx.base} csrf={ctx.csrf} hostname={c.hostname} />
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
