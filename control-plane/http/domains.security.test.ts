import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, OTHER_TOKEN, TEST_TOKEN } from '../../test/helpers/test-app.ts';

let t: ReturnType<typeof createTestApp>;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

describe('domains API: security', () => {
  it('401 problem+json without a valid bearer token, for every route under /v1', async () => {
    const headerSets: Record<string, string>[] = [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Bearer wrong-token-0123456789abcdef' },
      { authorization: `Basic ${Buffer.from(`x:${TEST_TOKEN}`).toString('base64')}` },
      { authorization: `bearer${TEST_TOKEN}` },
      { authorization: `Bearer ${TEST_TOKEN}x` },
      { authorization: `Bearer ${TEST_TOKEN.slice(0, -1)}` },
    ];
    for (const headers of headerSets) {
      for (const [method, path] of [
        ['GET', '/v1/domains'],
        ['POST', '/v1/domains'],
        ['DELETE', '/v1/domains/a.customer.com'],
        ['GET', '/v1/nothing-here'],
      ] as const) {
        const res = await t.app.request(path, {
          method,
          headers: { ...headers, 'content-type': 'application/json' },
          body: method === 'POST' ? '{}' : undefined,
        });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect((await res.json()).code).toBe('UNAUTHORIZED');
      }
    }
  });

  it('accepts every configured token and records which one made a change', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'a.customer.com' });
    await t.request(
      'PATCH',
      '/v1/domains/a.customer.com',
      { metadata: { by: 'other' } },
      {
        authorization: `Bearer ${OTHER_TOKEN}`,
        'content-type': 'application/json',
      },
    );
    const events = await (await t.request('GET', '/v1/domains/a.customer.com/events', undefined, t.auth)).json();
    const actors = events.items.map((e: { actor: string }) => e.actor);
    expect(actors).toHaveLength(2);
    expect(actors[0]).toMatch(/^token:[0-9a-f]{8}$/);
    expect(actors[0]).not.toBe(actors[1]);
    expect(JSON.stringify(events)).not.toContain(TEST_TOKEN);
  });

  it('never leaks internals: an unexpected failure is a generic 500 problem with a request id', async () => {
    t.store.db.close();
    const res = await t.request('GET', '/v1/domains', undefined, t.auth);
    expect(res.status).toBeGreaterThanOrEqual(500);
    const body = await res.json();
    expect(JSON.stringify(body)).not.toMatch(/sqlite|SELECT|database connection|stack/i);
    expect(body.requestId).toBeTruthy();
  });

  it('does not let hostile input reach the store: SQL-ish, traversal and control characters', async () => {
    for (const hostname of [
      "a.com'; DROP TABLE domains;--",
      '../../etc/passwd',
      'a\u0000.com',
      'a\u202e.com',
      'a.com\r\nX-Evil: 1',
    ]) {
      const res = await t.request('POST', '/v1/domains', { hostname });
      expect(res.status, JSON.stringify(hostname)).toBe(400);
    }
    expect(t.store.domains.list({ limit: 10 })).toEqual([]);
  });

  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const ok = await t.app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(ok.headers.get('x-request-id')).toBe('abc-123');
    const bad = await t.app.request('/healthz', { headers: { 'x-request-id': '<script>' } });
    expect(bad.headers.get('x-request-id')).not.toBe('<script>');
  });
});
