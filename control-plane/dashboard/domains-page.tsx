import type { Domain } from '../store/domain.ts';
import { DOMAIN_STATUSES, type DomainStatus } from '../types.ts';
import { formatAgo, formatTime } from './format.ts';
import { Layout, type PageContext } from './layout.tsx';

/** The domains table's query, as parsed from the URL. */
export interface DomainsQuery {
  q: string;
  status: DomainStatus | undefined;
  after: string | undefined;
  limit: number;
}

const PAGE_SIZE = 50;

/** Reads the table's query from URL parameters; anything unusable is ignored, never an error. */
export function parseDomainsQuery(params: Record<string, string | undefined>): DomainsQuery {
  const q = (params.q ?? '').trim().slice(0, 253);
  const status = DOMAIN_STATUSES.find((s) => s === params.status);
  const after = params.after && params.after.length <= 253 ? params.after : undefined;
  const asked = Number(params.limit);
  const limit = Number.isInteger(asked) && asked >= 1 && asked <= 200 ? asked : PAGE_SIZE;
  return { q, status, after, limit };
}

/** `?q=..&status=..&after=..`, keeping only what is set. */
export function domainsHref(base: string, q: Partial<DomainsQuery>): string {
  const params = new URLSearchParams();
  if (q.q) params.set('q', q.q);
  if (q.status) params.set('status', q.status);
  if (q.after) params.set('after', q.after);
  if (q.limit !== undefined && q.limit !== PAGE_SIZE) params.set('limit', String(q.limit));
  const s = params.toString();
  return `${base}/domains${s ? `?${s}` : ''}`;
}

/** Counts by status, a search form, and one keyset page of the domains table. */
export function DomainsPage(props: {
  ctx: PageContext;
  counts: Record<DomainStatus, number>;
  query: DomainsQuery;
  rows: Domain[];
  /** Hostname to continue after, when there is a next page. */
  nextAfter: string | undefined;
}) {
  const { ctx, counts, query, rows } = props;
  const total = DOMAIN_STATUSES.reduce((sum, s) => sum + counts[s], 0);
  return (
    <Layout ctx={ctx} title="Domains" nav="domains">
      <h1>Domains</h1>
      <ul class="cards">
        <li class={query.status === undefined ? 'card current' : 'card'}>
          <a href={domainsHref(ctx.base, { q: query.q })}>
            <span class="big">{total}</span> all
          </a>
        </li>
        {DOMAIN_STATUSES.map((s) => (
          <li class={query.status === s ? `card current st-${s}` : `card st-${s}`}>
            <a href={domainsHref(ctx.base, { q: query.q, status: s })}>
              <span class="big">{counts[s]}</span> {s}
            </a>
          </li>
        ))}
      </ul>
      <form method="get" action={`${ctx.base}/domains`} class="search">
        <label for="q">Search</label>
        <input id="q" name="q" type="search" value={query.q} maxlength={253} placeholder="hostname contains…" />
        <label for="status">Status</label>
        <select id="status" name="status">
          <option value="">any</option>
          {DOMAIN_STATUSES.map((s) => (
            <option value={s} selected={query.status === s}>
              {s}
            </option>
          ))}
        </select>
        <button type="submit">Search</button>
      </form>
      <div class="scroll">
        <table class="domains">
          <thead>
            <tr>
              <th scope="col">Hostname</th>
              <th scope="col">Status</th>
              <th scope="col">Upstream</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colspan={4} class="muted">
                  No domains match.
                </td>
              </tr>
            ) : (
              rows.map((d) => (
                <tr>
                  <th scope="row">
                    <a href={`${ctx.base}/domains/${encodeURIComponent(d.hostname)}`}>{d.hostname}</a>
                    {d.hostnameUnicode !== d.hostname ? <div class="muted small">{d.hostnameUnicode}</div> : null}
                  </th>
                  <td>
                    <span class={`badge st-${d.status}`}>{d.status}</span>
                    {d.statusReason ? <div class="muted small">{d.statusReason}</div> : null}
                  </td>
                  <td>{d.upstream ?? <span class="muted">default</span>}</td>
                  <td title={formatTime(d.updatedAt)}>{formatAgo(d.updatedAt, ctx.now)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        {query.after !== undefined ? (
          <a href={domainsHref(ctx.base, { ...query, after: undefined })}>« First page</a>
        ) : null}
        {props.nextAfter !== undefined ? (
          <a href={domainsHref(ctx.base, { ...query, after: props.nextAfter })} rel="next">
            Next page »
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
