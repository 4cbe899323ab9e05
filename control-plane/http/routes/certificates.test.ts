import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateInventory } from '../../certificates/certificate-inventory.ts';
import { makeCertificate, writeStored } from '../../certificates/testdata/make-certificate.ts';
import { createHostnamePolicy } from '../../hostname/index.ts';
import { silentLogger } from '../../log.ts';
import { openStore, type Store } from '../../store/store.ts';
import type { DomainStatus, Hostname } from '../../types.ts';
import { createApp } from '../create-app.ts';
import { certificateRoutes } from './certificates.ts';

const TOKEN = 'cert-token-0123456789abcdef';
const DAY = 86_400_000;
const LE = 'acme-v02.api.letsencrypt.org-directory';
let dir: string;
let storage: string;
let store: Store;
let app: ReturnType<typeof createApp>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cert-routes-'));
  storage = join(dir, 'storage');
  store = openStore(join(dir, 'api.db'));
  const add = (hostname: string, status: DomainStatus = 'active') =>
    store.domains.create({ hostname: hostname as Hostname, hostnameUnicode: hostname, status }, 'test');
  for (const [name, days] of [
    ['valid.example.com', 90],
    ['expiring.example.com', 3],
    ['expired.example.com', 1],
    ['blocked.example.com', 90],
    ['orphan.example.com', 30],
    ['orphan.test', 30],
  ] as const) {
    writeStored(storage, 'local', name, makeCertificate(name, days));
  }
  writeStored(storage, LE, 'valid.example.com', makeCertificate('valid.example.com', 60));
  writeStored(storage, 'local', 'broken.example.com', { crt: 'not a certificate' });
  for (const name of ['valid', 'expiring', 'expired', 'missing', 'broken']) add(`${name}.example.com`);
  add('blocked.example.com', 'blocked');

  // Certificates were made now; the inventory judges them 2.7 days later.
  const certificates = new CertificateInventory({
    storageRoot: storage,
    domains: store.domains,
    now: () => Date.now() + 2.7 * DAY,
  });
  app = createApp({
    domains: store.domains,
    hostnamePolicy: createHostnamePolicy(['saas.com']),
    upstreamNames: new Set(),
    apiTokens: [TOKEN],
    checkReady: () => store.checkReady(),
    logger: silentLogger(),
    extend: (root, docs) => {
      root.route('/v1', certificateRoutes({ certificates, domains: store.domains, storageRoot: storage }, docs));
    },
  });
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };
const get = (path: string) => app.request(path, { headers: auth });
const del = (path: string, body?: unknown) =>
  app.request(path, {
    method: 'DELETE',
    headers: { ...auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('GET /v1/certificates', () => {
  it('returns the summary and every certificate, sorted, without paths or key material', async () => {
    const res = await get('/v1/certificates');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.summary).toMatchObject({
      total: 8,
      by_status: { valid: 2, expiring: 1, expired: 1, orphaned: 3, unparseable: 1 },
      missing: { total: 1, hostnames: ['missing.example.com'] },
    });
    expect(body.summary.min_days_left).toBeCloseTo(-1.7, 1);
    expect(body.summary.soonest_expiring[0]).toMatchObject({ hostname: 'expired.example.com', status: 'expired' });
    expect(body.items.map((i: { hostname: string; issuer_key: string }) => `${i.hostname} ${i.issuer_key}`)).toEqual([
      'blocked.example.com local',
      'broken.example.com local',
      'expired.example.com local',
      'expiring.example.com local',
      'orphan.example.com local',
      'orphan.test local',
      `valid.example.com ${LE}`,
      'valid.example.com local',
    ]);
    expect(body.items.find((i: { hostname: string }) => i.hostname === 'broken.example.com')).toMatchObject({
      status: 'unparseable',
      issuer: null,
      error: { code: 'CRT_UNPARSEABLE' },
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain(storage);
    expect(text).not.toContain('PRIVATE KEY');
    expect(body.next_cursor).toBeNull();
  });

  it('filters by status and pages with a cursor (summary on the first page only)', async () => {
    const orphans = await (await get('/v1/certificates?status=orphaned')).json();
    expect(orphans.items.map((i: { hostname: string }) => i.hostname)).toEqual([
      'blocked.example.com',
      'orphan.example.com',
      'orphan.test',
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const body = await (await get(`/v1/certificates?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
      expect(body.summary === null).toBe(cursor !== null);
      seen.push(...body.items.map((i: { hostname: string; issuer_key: string }) => `${i.hostname} ${i.issuer_key}`));
      cursor = body.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it('rejects a bad status, limit or cursor with 400', async () => {
    for (const [query, code] of [
      ['status=fine', 'VALIDATION_FAILED'],
      ['limit=0', 'VALIDATION_FAILED'],
      ['cursor=bm90LWEtY3Vyc29y', 'INVALID_CURSOR'],
    ]) {
      const res = await get(`/v1/certificates?${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).code).toBe(code);
    }
  });

  it('requires the API token', async () => {
    expect((await app.request('/v1/certificates')).status).toBe(401);
    expect((await app.request('/v1/certificates/orphan.test', { method: 'DELETE' })).status).toBe(401);
  });
});

describe('GET /v1/domains/{hostname}/certificate', () => {
  it("shows a domain's certificates and the status of the one that expires last", async () => {
    const body = await (await get('/v1/domains/VALID.example.com./certificate')).json();
    expect(body).toMatchObject({ hostname: 'valid.example.com', domain_status: 'active', status: 'valid' });
    expect(body.certificates.map((c: { issuer_key: string }) => c.issuer_key)).toEqual([LE, 'local']);
    expect(body.certificates[1]).toMatchObject({
      issuer: { common_name: 'valid.example.com', organization: null },
      sans: ['valid.example.com'],
    });
    expect(body.certificates[1].fingerprint_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says missing for a domain without a certificate, orphaned for a certificate without a domain', async () => {
    expect(await (await get('/v1/domains/missing.example.com/certificate')).json()).toEqual({
      hostname: 'missing.example.com',
      domain_status: 'active',
      status: 'missing',
      certificates: [],
    });
    const orphan = await (await get('/v1/domains/orphan.test/certificate')).json();
    expect(orphan).toMatchObject({ domain_status: null, status: 'orphaned' });
  });

  it('404 for a name with neither domain nor certificate, 400 for a name that is not a hostname', async () => {
    const none = await get('/v1/domains/nothing.example.com/certificate');
    expect([none.status, (await none.json()).code]).toEqual([404, 'DOMAIN_NOT_FOUND']);
    const bad = await get('/v1/domains/a%2Fb/certificate');
    expect([bad.status, (await bad.json()).code]).toEqual([400, 'INVALID_HOSTNAME']);
  });
});

describe('DELETE /v1/certificates/{hostname}', () => {
  const localDir = (name: string) => join(storage, 'certificates', 'local', name);

  it('refuses the certificate of a servable domain with 409 CERTIFICATE_IN_USE', async () => {
    const res = await del('/v1/certificates/valid.example.com', { confirm: 'valid.example.com' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'CERTIFICATE_IN_USE', domain_status: 'active' });
    expect(existsSync(localDir('valid.example.com'))).toBe(true);
  });

  it('requires a body that confirms the exact hostname', async () => {
    for (const body of [
      { confirm: 'orphan.example.co' },
      { confirm: 'ORPHAN.example.com' },
      {},
      { confirm: 'orphan.example.com', x: 1 },
    ]) {
      const res = await del('/v1/certificates/orphan.example.com', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).code).toBe('VALIDATION_FAILED');
    }
    expect((await (await del('/v1/certificates/orphan.example.com')).json()).code).toBe('MALFORMED_JSON');
    const untyped = await app.request('/v1/certificates/orphan.example.com', { method: 'DELETE', headers: auth });
    expect(untyped.status).toBe(415);
    expect(existsSync(localDir('orphan.example.com'))).toBe(true);
  });

  it('refuses names that could escape the storage folder', async () => {
    for (const path of ['..%2Flocal', 'a%2Fb', '%2A.example.com', 'a%5Cb', 'a%00b', 'local%2F..']) {
      const res = await del(`/v1/certificates/${path}`, { confirm: decodeURIComponent(path) });
      expect(res.status, path).toBe(400);
      expect((await res.json()).code).toBe('INVALID_HOSTNAME');
    }
    // `..` is resolved by URL parsing before routing: it never reaches the handler.
    expect((await del('/v1/certificates/%2E%2E', { confirm: '..' })).status).toBe(404);
    expect(existsSync(join(storage, 'certificates', 'local', 'orphan.test'))).toBe(true);
  });

  it('deletes an orphan (no domain, or a blocked one), then it is gone from the inventory', async () => {
    const res = await del('/v1/certificates/orphan.example.com', { confirm: 'orphan.example.com' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      hostname: 'orphan.example.com',
      removed: [join('certificates', 'local', 'orphan.example.com')],
    });
    expect(existsSync(localDir('orphan.example.com'))).toBe(false);
    const blocked = await del('/v1/certificates/blocked.example.com', { confirm: 'blocked.example.com' });
    expect(blocked.status).toBe(200);

    const list = await (await get('/v1/certificates?status=orphaned')).json();
    expect(list.items.map((i: { hostname: string }) => i.hostname)).toEqual(['orphan.test']);
    const again = await del('/v1/certificates/orphan.example.com', { confirm: 'orphan.example.com' });
    expect([again.status, (await again.json()).code]).toEqual([404, 'CERTIFICATE_NOT_FOUND']);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await (await app.request('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/certificates', '/v1/certificates/{hostname}', '/v1/domains/{hostname}/certificate']),
    );
    expect(doc.paths['/v1/certificates/{hostname}'].delete.requestBody).toBeDefined();
  });
});
