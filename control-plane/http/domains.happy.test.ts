import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers/test-app.ts';

let t: ReturnType<typeof createTestApp>;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

describe('domains API: happy paths', () => {
  it('POST creates an active domain in canonical form', async () => {
    const res = await t.request('POST', '/v1/domains', {
      hostname: 'Bücher.DE.',
      upstream: 'blue',
      metadata: { customer: 42 },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/v1/domains/xn--bcher-kva.de');
    const body = await res.json();
    expect(body).toMatchObject({
      hostname: 'xn--bcher-kva.de',
      hostname_unicode: 'bücher.de',
      status: 'active',
      status_reason: null,
      upstream: 'blue',
      metadata: { customer: 42 },
    });
    expect(Date.parse(body.created_at)).not.toBeNaN();
    expect(body.updated_at).toBe(body.created_at);
  });

  it('GET works with the U-label, the A-label and odd casing', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'bücher.de' });
    for (const path of [
      '/v1/domains/xn--bcher-kva.de',
      `/v1/domains/${encodeURIComponent('BÜCHER.de')}`,
      '/v1/domains/XN--BCHER-KVA.DE.',
    ]) {
      const res = await t.request('GET', path, undefined, t.auth);
      expect(res.status, path).toBe(200);
      expect((await res.json()).hostname).toBe('xn--bcher-kva.de');
    }
  });

  it('PUT creates (201) then updates (200) and is idempotent', async () => {
    const first = await t.request('PUT', '/v1/domains/shop.customer.com', { upstream: 'green' });
    expect(first.status).toBe(201);
    const second = await t.request('PUT', '/v1/domains/shop.customer.com', { upstream: 'green' });
    expect(second.status).toBe(200);
    const third = await t.request('PUT', '/v1/domains/shop.customer.com', { metadata: { a: 1 } });
    expect(await third.json()).toMatchObject({ upstream: null, metadata: { a: 1 } });
    const events = await (await t.request('GET', '/v1/domains/shop.customer.com/events', undefined, t.auth)).json();
    expect(events.items.map((e: { action: string }) => e.action)).toEqual(['created', 'updated']);
  });

  it('PATCH changes upstream, metadata and status with a reason', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'a.customer.com' });
    const res = await t.request('PATCH', '/v1/domains/a.customer.com', {
      status: 'blocked',
      status_reason: 'abuse',
      upstream: 'blue',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'blocked', status_reason: 'abuse', upstream: 'blue' });
    const back = await t.request('PATCH', '/v1/domains/a.customer.com', { status: 'active', upstream: null });
    expect(await back.json()).toMatchObject({ status: 'active', status_reason: null, upstream: null });
  });

  it('DELETE answers 204, then the domain is gone', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'gone.customer.com' });
    expect((await t.request('DELETE', '/v1/domains/gone.customer.com', undefined, t.auth)).status).toBe(204);
    expect((await t.request('GET', '/v1/domains/gone.customer.com', undefined, t.auth)).status).toBe(404);
    const events = await (await t.request('GET', '/v1/domains/gone.customer.com/events', undefined, t.auth)).json();
    expect(events.items.map((e: { action: string }) => e.action)).toEqual(['created', 'deleted']);
  });

  it('lists with stable keyset pagination, filters and search', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `site${String(i).padStart(2, '0')}.customer.com`);
    await t.request('POST', '/v1/domains/bulk', { domains: names.map((hostname) => ({ hostname })) });
    await t.request('PATCH', '/v1/domains/site07.customer.com', { status: 'blocked' });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: Response = await t.request(
        'GET',
        `/v1/domains?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        t.auth,
      );
      const body = (await res.json()) as { items: { hostname: string }[]; next_cursor: string | null };
      seen.push(...body.items.map((i) => i.hostname));
      cursor = body.next_cursor;
      if (!cursor) break;
      // a write between pages must not shift the next page
      await t.request('POST', '/v1/domains', { hostname: `aaa${page}.customer.com` });
    }
    expect(seen.filter((h) => h.startsWith('site'))).toEqual(names);
    const blocked = await (await t.request('GET', '/v1/domains?status=blocked', undefined, t.auth)).json();
    expect(blocked.items.map((d: { hostname: string }) => d.hostname)).toEqual(['site07.customer.com']);
    const search = await (await t.request('GET', '/v1/domains?q=SITE1', undefined, t.auth)).json();
    expect(search.items).toHaveLength(10);
  });

  it('bulk creates, updates and counts unchanged', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'one.customer.com', upstream: 'blue' });
    await t.request('POST', '/v1/domains', { hostname: 'two.customer.com' });
    const res = await t.request('POST', '/v1/domains/bulk', {
      domains: [
        { hostname: 'one.customer.com', upstream: 'green' },
        { hostname: 'two.customer.com' },
        { hostname: 'three.customer.com' },
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ created: 1, updated: 1, unchanged: 1 });
  });

  it('serves health, readiness and an OpenAPI 3.1 document describing the routes', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200);
    expect(await (await t.app.request('/readyz')).json()).toEqual({ status: 'ok' });
    const doc = await (await t.app.request('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/domains',
        '/v1/domains/{hostname}',
        '/v1/domains/bulk',
        '/v1/domains/{hostname}/events',
        '/healthz',
        '/readyz',
      ]),
    );
    const create = doc.paths['/v1/domains'].post;
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['hostname']);
    expect(schema.additionalProperties).toBe(false);
    expect(create.responses['409'].content['application/problem+json']).toBeDefined();
  });
});
