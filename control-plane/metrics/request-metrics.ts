import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Metrics } from './metrics.ts';

const MIDDLEWARE_METHOD = 'ALL';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route PATTERN a request matched (`/v1/domains/:hostname`), never the raw path, so label values
 * stay bounded (no hostnames). The handler that answered, else the handler a middleware stopped
 * before (auth), else `unmatched`.
 */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  const current = routes[c.req.routeIndex];
  if (current && current.method !== MIDDLEWARE_METHOD) return current.path;
  for (let i = c.req.routeIndex + 1; i < routes.length; i++) {
    const r = routes[i]!;
    if (r.method !== MIDDLEWARE_METHOD) return r.path;
  }
  return 'unmatched';
}

/** Hono middleware counting every API request by route pattern, method and status. Mount it first. */
export function requestMetrics(metrics: Pick<Metrics, 'observeRequest'>): MiddlewareHandler {
  return async (c, next) => {
    try {
      await next();
    } finally {
      const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      metrics.observeRequest(routeLabel(c), method, c.res.status);
    }
  };
}
