import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/test-app.ts';
import { FakeDnsLookup } from '../../verification/fake-dns-lookup.ts';

const T0 = Date.UTC(2025, 0, 1);
let t: ReturnType<typeof createTestApp>;
let dns: FakeDnsLookup;

beforeEach(() => {
  dns = new FakeDnsLookup();
  t = createTestApp({ verification: { lookup: dns, clock: () => T0 } });
});
afterEach(() => t.close());

const json = async (res: Response) => (await res.json()) as Record<string, any>;

describe('domains under a verification policy', () => {
  it('creates dns and txt domains pending with a reason and none domains active', async () => {
    const dnsDomain = await json(await t.request('POST', '/v1/domains', { hostname: 'shop.customer.com' }));
    expect(dnsDomain).toMatchObject({
      status: 'pending',
      status_reason: 'awaiting verification (dns)',
      verification: { policy: 'dns', override: null },
      moved_at: null,
    });
    const none = await json(await t.request('PUT', '/v1/domains/free.customer.com', { verification: 'none' }));
    expect(none).toMatchObject({ status: 'active', verification: { policy: 'none', override: 'none' } });
    const bulk = await t.request('POST', '/v1/domains/bulk', {
      domains: [{ hostname: 'a.customer.com', verification: 'txt' }, { hostname: 'b.customer.com' }],
    });
    expect(bulk.status).toBe(200);
    const a = await json(await t.request('GET', '/v1/domains/a.customer.com'));
    expect(a).toMatchObject({ status: 'pending', status_reason: 'awaiting verification (txt)' });
  });

  it('rejects an unknown policy with a field error', async () => {
    const res = await t.request('POST', '/v1/domains', { hostname: 'x.customer.com', verification: 'email' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.errors[0].path).toBe('body.verification');
  });
});

describe('GET /v1/domains/{hostname}/verification', () => {
  it('lists the CNAME or the static addresses for dns, and the token for txt', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'shop.customer.com' });
    const dnsView = await json(await t.request('GET', '/v1/domains/shop.customer.com/verification'));
    expect(dnsView).toMatchObject({
      policy: 'dns',
      override: null,
      status: 'pending',
      records: [
        { type: 'CNAME', name: 'shop.customer.com', value: 'edge.fleet.test', option: 'cname' },
        { type: 'A', name: 'shop.customer.com', value: '192.0.2.10', option: 'addresses' },
        { type: 'AAAA', name: 'shop.customer.com', value: '2001:db8::10', option: 'addresses' },
      ],
      caa_must_allow: ['letsencrypt.org'],
      findings: null,
      next_check_at: new Date(T0).toISOString(),
    });
    await t.request('PATCH', '/v1/domains/shop.customer.com', { verification: 'txt' });
    const txtView = await json(await t.request('GET', '/v1/domains/shop.customer.com/verification'));
    const token = t.store.domains.get('shop.customer.com' as never)?.verificationToken;
    expect(txtView.records).toEqual([
      { type: 'TXT', name: '_caddy-fleet.shop.customer.com', value: token, option: 'txt' },
    ]);
  });

  it('keeps the token stable and rotates it on request', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'tok.customer.com', verification: 'txt' });
    const first = (await json(await t.request('GET', '/v1/domains/tok.customer.com/verification'))).records[0].value;
    await t.request('PUT', '/v1/domains/tok.customer.com', { metadata: { a: 1 } });
    const again = (await json(await t.request('GET', '/v1/domains/tok.customer.com/verification'))).records[0].value;
    expect(again).toBe(first);
    await t.request('PATCH', '/v1/domains/tok.customer.com', { rotate_verification_token: true });
    const rotated = (await json(await t.request('GET', '/v1/domains/tok.customer.com/verification'))).records[0].value;
    expect(rotated).not.toBe(first);
    expect(rotated).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('404s an unknown domain and 400s an invalid hostname as problem+json', async () => {
    const missing = await t.request('GET', '/v1/domains/nope.customer.com/verification');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await json(missing)).code).toBe('DOMAIN_NOT_FOUND');
    const bad = await t.request('GET', '/v1/domains/bad..name/verification');
    expect(bad.status).toBe(400);
    expect((await json(bad)).code).toBe('INVALID_HOSTNAME');
  });
});

describe('POST /v1/domains/{hostname}/verify', () => {
  it('checks now, applies and records the transition, and returns the findings', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'shop.customer.com' });
    const failed = await json(await t.request('POST', '/v1/domains/shop.customer.com/verify'));
    expect(failed).toMatchObject({
      previous_status: 'pending',
      status: 'pending',
      transition: null,
      findings: { pass: false, outcome: 'fail', checked_at: new Date(T0).toISOString() },
      next_check_at: new Date(T0 + 60_000).toISOString(),
    });
    expect(failed.findings.reasons[0].code).toBe('DNS_NOT_POINTED');

    dns.set('CNAME', 'shop.customer.com', ['edge.fleet.test']);
    const passed = await json(await t.request('POST', '/v1/domains/shop.customer.com/verify'));
    expect(passed).toMatchObject({
      previous_status: 'pending',
      status: 'active',
      status_reason: 'verification passed (dns)',
      transition: { status: 'active', reason: 'verification passed (dns)' },
      findings: { pass: true, records: { cname: ['edge.fleet.test'] } },
    });
    const view = await json(await t.request('GET', '/v1/domains/shop.customer.com/verification'));
    expect(view).toMatchObject({ status: 'active', last_checked_at: new Date(T0).toISOString() });
    const events = await json(await t.request('GET', '/v1/domains/shop.customer.com/events'));
    expect(events.items.at(-1)).toMatchObject({
      action: 'status_changed',
      actor: 'checker',
      reason: 'verification passed (dns)',
    });
  });

  it('passes a none domain without any lookup and activates it if it was pending', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'p.customer.com' });
    await t.request('PATCH', '/v1/domains/p.customer.com', { verification: 'none' });
    const res = await json(await t.request('POST', '/v1/domains/p.customer.com/verify'));
    expect(res).toMatchObject({ status: 'active', findings: { policy: 'none', pass: true } });
    expect(dns.queries).toEqual([]);
  });

  it('refuses blocked domains with 409 and unknown ones with 404', async () => {
    await t.request('POST', '/v1/domains', { hostname: 'b.customer.com' });
    await t.request('PATCH', '/v1/domains/b.customer.com', { status: 'blocked' });
    const blocked = await t.request('POST', '/v1/domains/b.customer.com/verify');
    expect(blocked.status).toBe(409);
    expect((await json(blocked)).code).toBe('VERIFICATION_NOT_APPLICABLE');
    const missing = await t.request('POST', '/v1/domains/none.customer.com/verify');
    expect(missing.status).toBe(404);
    expect((await json(missing)).code).toBe('DOMAIN_NOT_FOUND');
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await json(await t.app.request('/openapi.json'));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/domains/{hostname}/verification', '/v1/domains/{hostname}/verify']),
    );
  });
});
