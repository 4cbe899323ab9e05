import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers/test-app.ts';

let t: ReturnType<typeof createTestApp>;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json();
  expect(body).toMatchObject({
    status,
    code,
    type: expect.stringContaining('caddy-fleet'),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(body.requestId).toMatch(/^[\w-]+$/);
  return body;
}

describe('domains API: errors are problem+json 4xx, never 500, and store nothing', () => {
  it('409 DOMAIN_EXISTS on a duplicate POST, in any spelling', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'dup.customer.com' });
    await expectProblem(
      await t.request('POST', '/v1/domains', { hostname: 'DUP.customer.com.' }),
      409,
      'DOMAIN_EXISTS',
    );
  });

  it('400 INVALID_HOSTNAME with the rule that failed', async () => {
    const cases: [string, string][] = [
      ['*.customer.com', 'WILDCARD_UNSUPPORTED'],
      ['1.2.3.4', 'IP_ADDRESS'],
      ['intranet', 'SINGLE_LABEL'],
      ['localhost', 'SPECIAL_USE'],
      ['co.uk', 'PUBLIC_SUFFIX'],
      ['app.saas.com', 'PLATFORM_DOMAIN'],
      ['https://a.customer.com/', 'URL_NOT_ALLOWED'],
      ['a.customer.com:443', 'PORT_NOT_ALLOWED'],
    ];
    for (const [hostname, rule] of cases) {
      const body = await expectProblem(await t.request('POST', '/v1/domains', { hostname }), 400, 'INVALID_HOSTNAME');
      expect(body.errors[0], hostname).toMatchObject({ path: 'body.hostname', code: rule });
    }
    expect(t.store.domains.list({ limit: 10 })).toEqual([]);
  });

  it('400 VALIDATION_FAILED listing each bad field; unknown fields are rejected', async () => {
    const body = await expectProblem(
      await t.request('POST', '/v1/domains', { hostname: 42, metadata: 'x', extra: true }),
      400,
      'VALIDATION_FAILED',
    );
    const paths = body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.hostname', 'body.metadata', 'body']));
  });

  it('400 UNKNOWN_UPSTREAM: an upstream must be a configured name, never an address', async () => {
    for (const upstream of ['169.254.169.254:80', 'red', 'localhost:2019']) {
      const res = await t.request('POST', '/v1/domains', { hostname: 'x.customer.com', upstream });
      expect([400]).toContain(res.status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(t.store.domains.get('x.customer.com' as never)).toBeUndefined();
  });

  it('400 on metadata over 4 KiB', async () => {
    await expectProblem(
      await t.request('POST', '/v1/domains', { hostname: 'm.customer.com', metadata: { x: 'y'.repeat(5000) } }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('400 MALFORMED_JSON, 415 for non-JSON, 413 over the body limit', async () => {
    await expectProblem(await t.request('POST', '/v1/domains', '{"hostname":'), 400, 'MALFORMED_JSON');
    await expectProblem(await t.request('POST', '/v1/domains', ''), 400, 'MALFORMED_JSON');
    await expectProblem(
      await t.request('POST', '/v1/domains', 'hostname=a.com', {
        ...t.auth,
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(
      await t.request(
        'POST',
        '/v1/domains',
        JSON.stringify({ hostname: 'a.customer.com', metadata: { x: 'y'.repeat(1_100_000) } }),
      ),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('404 DOMAIN_NOT_FOUND on GET, PATCH and DELETE of an unknown domain; 404 problem for unknown routes', async () => {
    await expectProblem(
      await t.request('GET', '/v1/domains/none.customer.com', undefined, t.auth),
      404,
      'DOMAIN_NOT_FOUND',
    );
    await expectProblem(
      await t.request('PATCH', '/v1/domains/none.customer.com', { upstream: 'blue' }),
      404,
      'DOMAIN_NOT_FOUND',
    );
    await expectProblem(
      await t.request('DELETE', '/v1/domains/none.customer.com', undefined, t.auth),
      404,
      'DOMAIN_NOT_FOUND',
    );
    await expectProblem(await t.request('GET', '/v1/nothing', undefined, t.auth), 404, 'NOT_FOUND');
  });

  it('PATCH refuses statuses operators cannot set and empty bodies', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'p.customer.com' });
    await expectProblem(
      await t.request('PATCH', '/v1/domains/p.customer.com', { status: 'deleted' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(await t.request('PATCH', '/v1/domains/p.customer.com', {}), 400, 'VALIDATION_FAILED');
  });

  it('bulk is all or nothing and lists every invalid item by index', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'keep.customer.com', upstream: 'blue' });
    const res = await t.request('POST', '/v1/domains/bulk', {
      domains: [
        { hostname: 'ok1.customer.com' },
        { hostname: '*.bad.com' },
        { hostname: 'keep.customer.com', upstream: 'green' },
        { hostname: 'OK1.customer.com' },
        { hostname: 'ok2.customer.com', upstream: 'nope' },
        { hostname: 'ok3.customer.com', junk: 1 },
      ],
    });
    const body = await expectProblem(res, 400, 'BULK_INVALID');
    const paths = body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.domains[1].hostname',
        'body.domains[3].hostname',
        'body.domains[4].upstream',
        'body.domains[5]',
      ]),
    );
    expect(paths).not.toContain('body.domains[0].hostname');
    expect(t.store.domains.get('ok1.customer.com' as never)).toBeUndefined();
    expect(t.store.domains.get('keep.customer.com' as never)?.upstream).toBe('blue');
  });

  it('bulk refuses more than 10,000 items and empty lists', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({ hostname: `h${i}.customer.com` }));
    await expectProblem(await t.request('POST', '/v1/domains/bulk', { domains: many }), 400, 'BULK_INVALID');
    await expectProblem(await t.request('POST', '/v1/domains/bulk', { domains: [] }), 400, 'BULK_INVALID');
    expect(t.store.domains.list({ limit: 1 })).toEqual([]);
  });

  it('400 for bad list queries: limit out of range, bad status, forged cursor, unknown parameters', async () => {
    for (const q of ['limit=0', 'limit=1001', 'limit=abc', 'status=gone', 'cursor=%%%', 'cursor=QUJD', 'foo=bar']) {
      const res = await t.request('GET', `/v1/domains?${q}`, undefined, t.auth);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('a database failure is a 503 problem on /readyz, not a crash', async () => {
    t.store.db.close();
    const res = await t.app.request('/readyz');
    await expectProblem(res, 503, 'STORE_UNAVAILABLE');
  });
});
