import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env.ts';
import type { ApiDocs } from '../openapi.ts';

const healthJson = z.object({ status: z.literal('ok') });

/** `/healthz` (the process is up) and `/readyz` (the database answers). No auth: load balancers call them. */
export function healthRoutes(checkReady: () => void, docs: ApiDocs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  docs.add({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up',
    tags: ['health'],
    auth: 'none',
    responses: { 200: { description: 'Up', schema: healthJson } },
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' as const }));
  docs.add({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the database is usable',
    tags: ['health'],
    auth: 'none',
    responses: { 200: { description: 'Ready', schema: healthJson } },
    problems: [503],
  });
  app.get('/readyz', (c) => {
    checkReady();
    return c.json({ status: 'ok' as const });
  });
  return app;
}
