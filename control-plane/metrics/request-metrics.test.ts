import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bearerAuth } from '../http/auth.ts';
import { createMetrics } from './metrics.ts';
import { requestMetrics } from './request-metrics.ts';

const TOKEN = 'metrics-test-token-0123456789';

function app() {
  const metrics = createMetrics();
  const root = new Hono();
  root.use(requestMetrics(metrics));
  root.onError((_err, c) => c.json({ error: true }, 401));
  root.get('/healthz', (c) => c.text('ok'));
  root.use('/v1/*', bearerAuth([TOKEN]));
  const domains = new Hono();
  domains.get('/:hostname', (c) => c.json({ hostname: c.req.param('hostname') }));
  root.route('/v1/domains', domains);
  return { root, metrics };
}

describe('requestMetrics', () => {
  it('labels requests by route pattern, never the raw path, including auth failures and unmatched paths', async () => {
    const { root, metrics } = app();
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await root.request('/v1/domains/secret-customer.com', { headers: auth })).status).toBe(200);
    await root.request('/v1/domains/other.com', { headers: auth });
    expect((await root.request('/v1/domains/third.com')).status).toBe(401);
    expect((await root.request('/healthz')).status).toBe(200);
    expect((await root.request('/no/such/thing.com')).status).toBe(404);
    await root.request('/healthz', { method: 'BREW' });
    const text = await metrics.render();
    expect(text).toContain('caddy_fleet_api_requests_total{route="/v1/domains/:hostname",method="GET",status="200"} 2');
    expect(text).toContain('caddy_fleet_api_requests_total{route="/v1/domains/:hostname",method="GET",status="401"} 1');
    expect(text).toContain('caddy_fleet_api_requests_total{route="/healthz",method="GET",status="200"} 1');
    expect(text).toContain('caddy_fleet_api_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(text).toContain('caddy_fleet_api_requests_total{route="unmatched",method="OTHER",status="404"} 1');
    expect(text).not.toMatch(/customer\.com|other\.com|third\.com|thing\.com/);
  });
});
