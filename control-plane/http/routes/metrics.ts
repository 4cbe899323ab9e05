import { Hono } from 'hono';
import { z } from 'zod';
import type { Metrics } from '../../metrics/metrics.ts';
import type { AppEnv } from '../app-env.ts';
import type { ApiDocs } from '../openapi.ts';

/** `GET /metrics`: Prometheus text format, no auth (scrapers reach it on the API listener). */
export function metricsRoutes(metrics: Pick<Metrics, 'render' | 'contentType'>, docs: ApiDocs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  docs.add({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tags: ['metrics'],
    auth: 'none',
    responses: {
      200: {
        description: 'Metrics in the Prometheus text exposition format',
        schema: z.string(),
        contentType: 'text/plain; version=0.0.4',
      },
    },
  });
  app.get('/metrics', async (c) => {
    const body = await metrics.render();
    return c.body(body, 200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  });
  return app;
}
