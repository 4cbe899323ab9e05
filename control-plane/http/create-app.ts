import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { requestMetrics } from '../metrics/request-metrics.ts';
import type { AppEnv } from './app-env.ts';
import { bearerAuth } from './auth.ts';
import { ApiDocs } from './openapi.ts';
import { problemResponse } from './problem.ts';
import { type DomainRoutesDeps, domainRoutes } from './routes/domains.ts';
import { healthRoutes } from './routes/health.ts';
import { type VerificationRoutesDeps, verificationRoutes } from './routes/verification.ts';

export interface AppDeps extends DomainRoutesDeps {
  apiTokens: readonly string[];
  checkReady: () => void;
  logger: Logger;
  version?: string;
  /** Records API requests by route pattern and status. */
  metrics?: Pick<Metrics, 'observeRequest'>;
  /** Domain verification (`GET …/verification`, `POST …/verify`); the routes are absent without it. */
  verificationService?: VerificationRoutesDeps['verification'];
  /** Mounts more routes (fleet, caddy config, dashboard) on the app, documenting them in `docs`. */
  extend?: (app: Hono<AppEnv>, docs: ApiDocs) => void;
}

/**
 * The REST API as a Hono app with no listener: `main.ts` serves it, tests call `app.request()`.
 * Every error leaves through `problemResponse` as application/problem+json.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const docs = new ApiDocs();
  const log = deps.logger.child({ component: 'http' });

  app.use(requestId({ headerName: 'X-Request-Id' }));
  if (deps.metrics) app.use(requestMetrics(deps.metrics));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    log.debug(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
  app.onError((err, c) => problemResponse(c, err, log));
  app.notFound((c) => problemResponse(c, new AppError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), log));

  app.route('/', healthRoutes(deps.checkReady, docs));
  app.use('/v1/*', bearerAuth(deps.apiTokens));
  app.route('/v1/domains', domainRoutes(deps, docs));
  if (deps.verificationService) {
    app.route(
      '/v1/domains',
      verificationRoutes({ domains: deps.domains, verification: deps.verificationService }, docs),
    );
  }
  deps.extend?.(app, docs);

  let openapi: Record<string, unknown> | undefined;
  app.get('/openapi.json', (c) => {
    openapi ??= docs.document({ title: 'caddy-fleet API', version: deps.version ?? '1' });
    return c.json(openapi);
  });
  return app;
}
