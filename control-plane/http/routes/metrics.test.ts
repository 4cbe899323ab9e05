import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/test-app.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { requestMetrics } from '../../metrics/request-metrics.ts';
import { ApiDocs } from '../openapi.ts';
import { metricsRoutes } from './metrics.ts';

describe('GET /metrics', () => {
  it('serves the Prometheus text format without auth', async () => {
    const metrics = createMetrics({ domainsByStatus: () => ({ active: 7 }) });
    const app = new Hono();
    app.use(requestMetrics(metrics));
    const docs = new ApiDocs();
    app.route('/', metricsRoutes(metrics, docs));
    metrics.observeAsk('allowed', 1_000);
    await app.request('/metrics');
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('caddy_fleet_domains{status="active"} 7');
    expect(text).toContain('caddy_fleet_ask_decisions_total{result="allowed"} 1');
    expect(text).toContain('caddy_fleet_api_requests_total{route="/metrics",method="GET",status="200"} 1');
    expect(docs.routes.map((r) => r.path)).toEqual(['/metrics']);
  });

  it('mounts beside the real API with no token needed', async () => {
    const t = createTestApp();
    try {
      const metrics = createMetrics({ domainsByStatus: () => t.store.domains.countByStatus() });
      t.app.route('/', metricsRoutes(metrics, new ApiDocs()));
      await t.request('POST', '/v1/domains', { hostname: 'a.example.com' });
      const res = await t.app.request('/metrics');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('caddy_fleet_domains{status="active"} 1');
    } finally {
      t.close();
    }
  });
});
