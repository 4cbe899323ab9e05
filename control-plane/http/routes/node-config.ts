import { Hono } from 'hono';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';
import { createTokenMatcher } from '../auth.ts';
import type { ApiDocs } from '../openapi.ts';
import { parseWith } from '../validate.ts';

export interface NodeConfigRoutesDeps {
  nodeToken: string;
  /** Desired config JSON of a member node, or undefined for an unknown node. */
  desiredJsonFor: (nodeId: string) => string | undefined;
  /** Asks discovery to look again (a booting node may not be discovered yet). */
  refreshMembership: () => void;
}

const query = z.strictObject({
  node: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.-]+$/),
});

/**
 * `GET /caddy/config?node=<id>`: the bootstrap pull. A new node's `http` config loader fetches its
 * full config here (node token auth), served from the per-generation cache.
 */
export function nodeConfigRoutes(deps: NodeConfigRoutesDeps, docs: ApiDocs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const match = createTokenMatcher([deps.nodeToken]);
  docs.add({
    method: 'get',
    path: '/caddy/config',
    summary: "A node's full Caddy config (bootstrap pull by Caddy's http config loader)",
    tags: ['nodes'],
    auth: 'node',
    query,
    responses: { 200: { description: 'Caddy JSON config', schema: z.record(z.string(), z.unknown()) } },
    problems: [400, 404, 503],
  });
  app.get('/config', (c) => {
    const m = /^Bearer ([\x21-\x7e]{1,1024})$/.exec(c.req.header('authorization') ?? '');
    if (!m || !match(m[1]!)) throw new AppError('UNAUTHORIZED', 'a valid node token is required');
    const { node } = parseWith(query, c.req.query(), 'query');
    const json = deps.desiredJsonFor(node);
    if (json === undefined) {
      deps.refreshMembership();
      throw new NotFoundError('NODE_NOT_FOUND', `node ${node} is not (yet) a member of the fleet; retry shortly`);
    }
    return c.body(json, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  });
  return app;
}
