import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/temp-dir.ts';
import { SqliteOutbox } from '../../events/outbox.ts';
import { createHostnamePolicy } from '../../hostname/index.ts';
import { silentLogger } from '../../log.ts';
import { openStore, type Store } from '../../store/store.ts';
import { createApp } from '../create-app.ts';
import { webhookRoutes } from './webhooks.ts';

const TOKEN = 'webhooks-test-token-0123456789';
const URL_A = 'https://hooks.example.test/a?token=s3cret';
let dir: ReturnType<typeof tempDir>;
let store: Store;
let outbox: SqliteOutbox;
let wakes: number;
let app: ReturnType<typeof createApp>;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeEach(() => {
  dir = tempDir('caddy-fleet-webhook-routes-');
  store = openStore(join(dir.path, 'events.db'));
  outbox = new SqliteOutbox(store.db, { urls: [URL_A, 'http://user:pw@127.0.0.1:9/b'] });
  wakes = 0;
  app = createApp({
    domains: store.domains,
    hostnamePolicy: createHostnamePolicy([]),
    upstreamNames: new Set(),
    apiTokens: [TOKEN],
    checkReady: () => store.checkReady(),
    logger: silentLogger(),
    extend: (a, docs) => a.route('/v1', webhookRoutes({ outbox, wake: () => wakes++ }, docs)),
  });
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

describe('GET /v1/events', () => {
  it('lists the outbox newest first as envelopes, filtered by type, with keyset pagination', async () => {
    const ids = ['node.drifted', 'node.in_sync', 'node.drifted'].map((t) => outbox.emit(t as 'node.drifted', { n: t }));
    const res = await app.request('/v1/events?limit=1&type=node.drifted', { headers: auth });
    expect(res.status).toBe(200);
    const page = await res.json();
    expect(page.items).toEqual([
      { id: ids[2], type: 'node.drifted', created_at: expect.any(String), data: { n: 'node.drifted' } },
    ]);
    const next = await (
      await app.request(`/v1/events?limit=1&type=node.drifted&cursor=${page.next_cursor}`, { headers: auth })
    ).json();
    expect(next.items.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    expect(next.next_cursor).toBeNull();
  });

  it('rejects unknown types, bad cursors and missing auth', async () => {
    expect((await app.request('/v1/events?type=nope', { headers: auth })).status).toBe(400);
    const bad = await app.request('/v1/events?cursor=abc', { headers: auth });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('VALIDATION_FAILED');
    expect((await app.request('/v1/events')).status).toBe(401);
    expect((await app.request('/v1/webhooks/deliveries')).status).toBe(401);
  });
});

describe('the delivery log', () => {
  it('lists deliveries with state, attempts, last status/error and redacted URLs', async () => {
    const id = outbox.emit('domain.created', { hostname: 'a.com' });
    const [d] = outbox.claimDue(Date.now(), 1, 60_000);
    outbox.markAttempt(d!.id, { status: 503, error: 'HTTP 503' }, Date.now(), null);
    const res = await app.request('/v1/webhooks/deliveries?state=failed', { headers: auth });
    const page = await res.json();
    expect(page.items).toEqual([
      expect.objectContaining({
        id: d!.id,
        event_id: id,
        event_type: 'domain.created',
        url: 'https://hooks.example.test/a?***',
        state: 'failed',
        attempts: 1,
        last_status: 503,
        last_error: 'HTTP 503',
        next_attempt_at: null,
        delivered_at: null,
      }),
    ]);
    const all = await (await app.request(`/v1/webhooks/deliveries?event_id=${id}`, { headers: auth })).json();
    expect(all.items.map((x: { url: string }) => x.url).sort()).toEqual([
      'http://***@127.0.0.1:9/b',
      'https://hooks.example.test/a?***',
    ]);
    expect(JSON.stringify(all)).not.toMatch(/s3cret|pw@/);
  });

  it('re-queues a failed delivery and wakes the worker; refuses pending ones and unknown ids', async () => {
    outbox.emit('domain.created', {});
    const [d] = outbox.claimDue(Date.now(), 1, 60_000);
    const retry = () => app.request(`/v1/webhooks/deliveries/${d!.id}/retry`, { method: 'POST', headers: auth });
    const pending = await retry();
    expect(pending.status).toBe(409);
    expect((await pending.json()).code).toBe('INVALID_TRANSITION');
    outbox.markAttempt(d!.id, { status: null, error: 'ECONNREFUSED' }, Date.now(), null);
    const ok = await retry();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: d!.id, state: 'pending', attempts: 0 });
    expect(wakes).toBe(1);
    const missing = await app.request('/v1/webhooks/deliveries/999999/retry', { method: 'POST', headers: auth });
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe('DELIVERY_NOT_FOUND');
    expect((await app.request('/v1/webhooks/deliveries/x1/retry', { method: 'POST', headers: auth })).status).toBe(400);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = await (await app.request('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/webhooks/deliveries', '/v1/webhooks/deliveries/{id}/retry']),
    );
  });
});
