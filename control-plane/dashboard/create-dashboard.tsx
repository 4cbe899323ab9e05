import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError, NotFoundError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import type { Hostname } from '../types.ts';
import { AskPage } from './ask-page.tsx';
import { type DashboardEnv, formBody, originHeaders, registerAuthRoutes, requireSession } from './auth-routes.tsx';
import { CertificatesPage } from './certificates-page.tsx';
import { assertCsrf, CSRF_FIELD } from './csrf.ts';
import type { DashboardDeps } from './deps.ts';
import { DomainPage } from './domain-page.tsx';
import { DomainsPage, parseDomainsQuery } from './domains-page.tsx';
import { fleetVersion, streamFleetEvents } from './fleet-events.ts';
import { FleetPage, FleetTable } from './fleet-page.tsx';
import { MessagePage, type PageContext } from './layout.tsx';
import { NodeDiffPage } from './node-diff-page.tsx';
import { renderFragment, renderPage, SECURITY_HEADERS } from './render.ts';
import { createSessionStore, type Session } from './session.ts';
import { ASSETS, type AssetName, createAssetLoader } from './static-assets.ts';

/**
 * The operator dashboard as a Hono app: server-rendered pages behind a session cookie, CSRF-checked
 * forms, live fleet refresh over server-sent events. Mount it at `deps.basePath` (default `/dashboard`):
 *
 * @example
 * app.route('/dashboard', createDashboard({ apiTokens, fleet: reconciler, domains: store.domains, certificates, askActivity }));
 */
export function createDashboard(deps: DashboardDeps): Hono<DashboardEnv> {
  const base = deps.basePath ?? '/dashboard';
  const now = deps.now ?? Date.now;
  const log = (deps.logger ?? silentLogger()).child({ component: 'dashboard' });
  const sessions = createSessionStore({
    idleMs: deps.sessionIdleMs ?? 12 * 3_600_000,
    maxSessions: deps.maxSessions ?? 1_000,
    now,
  });
  const auth = { base, apiTokens: deps.apiTokens, sessions };
  const asset = createAssetLoader();
  const maxStreams = deps.maxEventStreams ?? 50;
  let openStreams = 0;

  const ctx = (session: Session): PageContext => {
    const flash = session.flash;
    session.flash = null;
    return { base, csrf: session.csrf, now: now(), flash };
  };

  const app = new Hono<DashboardEnv>();
  app.use(async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });
  app.onError((err, c) => {
    const known = err instanceof AppError;
    if (!known || err.status >= 500) log.error({ err, path: c.req.path }, 'dashboard request failed');
    const status = known ? err.status : 500;
    const detail = known ? err.message : 'An internal error occurred; the daemon log has the details.';
    const title =
      status === 403 ? 'Forbidden' : status === 404 ? 'Not found' : status >= 500 ? 'Error' : 'Request refused';
    const page = (
      <MessagePage base={base} title={title} status={status} code={known ? err.code : 'INTERNAL'} detail={detail} />
    );
    return renderPage(c, page, status as 400);
  });

  for (const name of Object.keys(ASSETS) as AssetName[]) {
    app.get(`/${name}`, async (c) => {
      c.header('content-type', ASSETS[name]);
      c.header('cache-control', 'no-cache');
      return c.body(await asset(name));
    });
  }
  app.use(
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => Promise.reject(new AppError('PAYLOAD_TOO_LARGE', 'form too large')),
    }),
  );
  registerAuthRoutes(app, auth);
  app.use(requireSession(auth));

  /** Parses a form and checks origin and synchronizer token: every state-changing route starts here. */
  const checkedForm = async (c: Context<DashboardEnv>) => {
    const body = await formBody(c);
    assertCsrf(originHeaders(c), c.get('session').csrf, body[CSRF_FIELD]);
    return body;
  };

  app.get('/', (c) => {
    const nodes = deps.fleet.nodes();
    const page = (
      <FleetPage
        ctx={ctx(c.get('session'))}
        nodes={nodes}
        meta={deps.fleetMeta?.() ?? {}}
        version={fleetVersion(nodes)}
      />
    );
    return renderPage(c, page);
  });
  app.get('/fleet/table', (c) => {
    const nodes = deps.fleet.nodes();
    return renderFragment(c, <FleetTable nodes={nodes} base={base} now={now()} version={fleetVersion(nodes)} />);
  });
  app.get('/events', (c) => {
    if (openStreams >= maxStreams) throw new AppError('NOT_READY', 'too many live-update streams open');
    openStreams++;
    const session = c.get('session');
    return streamFleetEvents(c, {
      fleet: deps.fleet,
      pollMs: deps.eventsPollMs ?? 1_000,
      maxMs: deps.eventsMaxMs ?? 600_000,
      stillAuthorized: () => sessions.get(session.id) !== undefined,
      onClose: () => {
        openStreams--;
      },
    });
  });
  app.get('/nodes/:id/diff', async (c) => {
    const id = c.req.param('id');
    const node = deps.fleet.node(id);
    if (!node) throw new NotFoundError('NODE_NOT_FOUND', `no node ${id} in the fleet`);
    const diff = await deps.fleet.diff(id);
    return renderPage(c, <NodeDiffPage ctx={ctx(c.get('session'))} node={node} diff={diff} />);
  });
  app.post('/reconcile', async (c) => {
    const body = await checkedForm(c);
    const result = await deps.fleet.reconcileNow();
    const pushed = result.nodes.filter((n) => n.action === 'pushed').length;
    const failed = result.nodes.filter((n) => n.error !== undefined).length;
    c.get('session').flash = {
      kind: failed > 0 ? 'error' : 'ok',
      text: `Reconcile pass done: ${result.nodes.length} nodes checked, ${pushed} pushed, ${failed} failed (generation ${result.generation}).`,
    };
    const back = body.back && /^\/nodes\/[^/?#\\]{1,200}\/diff$/.test(body.back) ? body.back : '';
    return c.redirect(`${base}${back}`, 303);
  });

  app.get('/domains', (c) => {
    const query = parseDomainsQuery(c.req.query());
    const rows = deps.domains.list({
      limit: query.limit + 1,
      ...(query.q ? { q: query.q } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.after !== undefined ? { after: query.after } : {}),
    });
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const nextAfter = more ? page[page.length - 1]?.hostname : undefined;
    return renderPage(
      c,
      <DomainsPage
        ctx={ctx(c.get('session'))}
        counts={deps.domains.countByStatus()}
        query={query}
        rows={page}
        nextAfter={nextAfter}
      />,
    );
  });
  app.get('/domains/:hostname', async (c) => {
    const hostname = c.req.param('hostname').toLowerCase();
    const domain = hostname.length <= 253 ? deps.domains.get(hostname as Hostname) : undefined;
    if (!domain) throw new NotFoundError('DOMAIN_NOT_FOUND', `no domain ${hostname}`);
    const events = deps.domains.events(domain.hostname, 0, 200).reverse();
    const certs = await deps.certificates.forDomain(domain.hostname).catch((err: unknown) => {
      log.warn({ err, hostname }, 'certificate lookup failed');
      return null;
    });
    return renderPage(c, <DomainPage ctx={ctx(c.get('session'))} domain={domain} events={events} certs={certs} />);
  });

  app.get('/certificates', async (c) => {
    const summary = await deps.certificates.summary();
    return renderPage(c, <CertificatesPage ctx={ctx(c.get('session'))} summary={summary} />);
  });
  app.post('/certificates/orphans/delete', async (c) => {
    const body = await checkedForm(c);
    const session = c.get('session');
    const hostname = (body.hostname ?? '').trim();
    const confirm = (body.confirm ?? '').trim().toLowerCase();
    if (hostname === '' || confirm !== hostname.toLowerCase()) {
      session.flash = {
        kind: 'error',
        text: `Not deleted: type the hostname exactly to confirm (${hostname || 'none given'}).`,
      };
    } else {
      try {
        const { removed } = await deps.certificates.deleteOrphan(hostname);
        session.flash = {
          kind: 'ok',
          text: `Deleted the stored certificate of ${hostname} (${removed.length} folder${removed.length === 1 ? '' : 's'}).`,
        };
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        session.flash = { kind: 'error', text: `Not deleted: ${err.message}` };
      }
    }
    return c.redirect(`${base}/certificates`, 303);
  });

  app.get('/ask', (c) => renderPage(c, <AskPage ctx={ctx(c.get('session'))} snapshot={deps.askActivity()} />));

  app.all('*', (c) => {
    if (c.req.method === 'GET' && c.req.path === `${base}/`) return c.redirect(base, 301);
    throw new NotFoundError('NOT_FOUND', 'There is no such dashboard page.');
  });
  return app;
}
