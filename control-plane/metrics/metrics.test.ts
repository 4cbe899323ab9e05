import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

const FAMILIES = [
  'caddy_fleet_ask_decisions_total',
  'caddy_fleet_ask_duration_seconds',
  'caddy_fleet_api_requests_total',
  'caddy_fleet_reconcile_passes_total',
  'caddy_fleet_reconcile_duration_seconds',
  'caddy_fleet_pushes_total',
  'caddy_fleet_webhook_attempts_total',
  'caddy_fleet_nodes',
  'caddy_fleet_domains',
  'caddy_fleet_webhook_deliveries',
  'caddy_fleet_certificate_min_days_left',
];

describe('createMetrics', () => {
  it('exposes every metric family, with samples after observations and gauges read at scrape time', async () => {
    let domains = { active: 3, blocked: 1 };
    let minDays: number | null = 12.5;
    const m = createMetrics({
      nodesByStatus: () => ({ in_sync: 2, drifted: 1 }),
      domainsByStatus: () => domains,
      minCertificateDaysLeft: async () => minDays,
      webhookDeliveriesByState: () => ({ pending: 4, delivered: 10, failed: 0 }),
    });
    m.observeAsk('allowed', 12_000n);
    m.observeAsk('unknown', 40_000);
    m.observeRequest('/v1/domains/:hostname', 'GET', 200);
    m.observeReconcile('ok', 0.2);
    m.observePush('ok');
    m.observeWebhook('delivered');
    const text = await m.render();
    for (const family of FAMILIES) expect(text).toContain(`# TYPE ${family} `);
    expect(text).toContain('caddy_fleet_ask_decisions_total{result="allowed"} 1');
    expect(text).toContain('caddy_fleet_ask_duration_seconds_bucket{le="0.000025"} 1');
    expect(text).toContain('caddy_fleet_ask_duration_seconds_count 2');
    expect(text).toContain('caddy_fleet_api_requests_total{route="/v1/domains/:hostname",method="GET",status="200"} 1');
    expect(text).toContain('caddy_fleet_reconcile_passes_total{result="ok"} 1');
    expect(text).toContain('caddy_fleet_reconcile_duration_seconds_bucket{le="0.25"} 1');
    expect(text).toContain('caddy_fleet_pushes_total{result="ok"} 1');
    expect(text).toContain('caddy_fleet_nodes{status="drifted"} 1');
    expect(text).toContain('caddy_fleet_domains{status="active"} 3');
    expect(text).toContain('caddy_fleet_webhook_deliveries{state="pending"} 4');
    expect(text).toContain('caddy_fleet_certificate_min_days_left 12.5');
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    domains = { active: 5, blocked: 0 };
    minDays = null;
    const again = await m.render();
    expect(again).toContain('caddy_fleet_domains{status="active"} 5');
    expect(again).toContain('# TYPE caddy_fleet_certificate_min_days_left gauge');
    expect(again).not.toMatch(/^caddy_fleet_certificate_min_days_left /m);
    minDays = 3;
    expect(await m.render()).toContain('caddy_fleet_certificate_min_days_left 3');
  });

  it('leaves a family without samples when its provider fails, and still serves the rest', async () => {
    const m = createMetrics({
      domainsByStatus: () => {
        throw new Error('database is locked');
      },
      minCertificateDaysLeft: () => Promise.reject(new Error('storage unreadable')),
      nodesByStatus: () => ({ in_sync: 1 }),
    });
    const text = await m.render();
    expect(text).toContain('caddy_fleet_nodes{status="in_sync"} 1');
    expect(text).not.toMatch(/^caddy_fleet_domains\{/m);
    expect(text).not.toMatch(/^caddy_fleet_certificate_min_days_left /m);
  });

  it('uses its own registry: two instances never collide', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.observePush('rejected');
    expect(await a.render()).toContain('caddy_fleet_pushes_total{result="rejected"} 1');
    expect(await b.render()).not.toContain('result="rejected"');
  });
});
