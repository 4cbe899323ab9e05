import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store.ts';
import type { DomainStatus, Hostname } from '../types.ts';
import { CertificateInventory } from './certificate-inventory.ts';
import { makeCertificate, writeStored } from './testdata/make-certificate.ts';

const DAY = 86_400_000;
let dir: string;
let storage: string;
let store: Store;
let clock: number;
// Certificates are made "now"; the inventory looks at them 2.7 days later.
const later = Date.now() + 2.7 * DAY;

function addDomain(hostname: string, status: DomainStatus = 'active') {
  store.domains.create({ hostname: hostname as Hostname, hostnameUnicode: hostname, status }, 'test');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cert-inventory-'));
  storage = join(dir, 'storage');
  store = openStore(join(dir, 'db.sqlite'));
  const stored: [string, number][] = [
    ['valid.example.com', 90],
    ['expiring.example.com', 3],
    ['expired.example.com', 1],
    ['blocked.example.com', 90],
    ['orphan.example.com', 1],
  ];
  for (const [name, days] of stored) writeStored(storage, 'local', name, makeCertificate(name, days));
  writeStored(
    storage,
    'acme-v02.api.letsencrypt.org-directory',
    'valid.example.com',
    makeCertificate('valid.example.com', 60),
  );
  writeStored(storage, 'local', 'broken.example.com', { crt: 'garbage' });
  for (const name of ['valid', 'expiring', 'expired', 'missing-a', 'missing-b', 'broken'])
    addDomain(`${name}.example.com`);
  addDomain('blocked.example.com', 'blocked');
  addDomain('pending.example.com', 'pending');
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const inventory = (maxAgeMs = 60_000) =>
  new CertificateInventory({ storageRoot: storage, domains: store.domains, now: () => clock, maxAgeMs });

describe('CertificateInventory', () => {
  it('classifies every stored certificate against the live domains', async () => {
    clock = later;
    const entries = await inventory().entries();
    const statusOf = Object.fromEntries(entries.map((e) => [`${e.issuerKey}/${e.hostname}`, e.status]));
    expect(statusOf).toEqual({
      'local/blocked.example.com': 'orphaned',
      'local/broken.example.com': 'unparseable',
      'local/expired.example.com': 'expired',
      'local/expiring.example.com': 'expiring',
      'local/orphan.example.com': 'orphaned',
      'acme-v02.api.letsencrypt.org-directory/valid.example.com': 'valid',
      'local/valid.example.com': 'valid',
    });
    expect(entries.map((e) => e.hostname)).toEqual([...entries.map((e) => e.hostname)].sort());
    expect(entries.find((e) => e.hostname === 'blocked.example.com')?.domainStatus).toBe('blocked');
  });

  it('summarises counts, the soonest expiring, min days left and missing certificates', async () => {
    const summary = await inventory().summary(later, { soonest: 2 });
    expect(summary.total).toBe(7);
    expect(summary.byStatus).toEqual({ valid: 2, expiring: 1, expired: 1, orphaned: 2, unparseable: 1 });
    expect(summary.soonestExpiring.map((e) => e.hostname)).toEqual(['expired.example.com', 'expiring.example.com']);
    // The expired one is in use (its domain is active), so the minimum is negative: about 1 - 2.7 days.
    expect(summary.minDaysLeft).toBeCloseTo(-1.7, 1);
    // pending is not servable, broken has a (bad) file: neither is "missing".
    expect(summary.missing).toEqual({ total: 2, hostnames: ['missing-a.example.com', 'missing-b.example.com'] });
    expect(summary.scannedAt).toBe(later);
  });

  it('ignores orphans for minDaysLeft (the orphan here expires first)', async () => {
    const summary = await inventory().summary(Date.now(), { soonest: 10 });
    expect(summary.soonestExpiring.map((e) => e.hostname)).not.toContain('orphan.example.com');
    expect(summary.minDaysLeft).toBeCloseTo(1, 1);
    expect((await inventory().summary(Date.now(), { soonest: 0 })).minDaysLeft).toBeCloseTo(1, 1);
  });

  it('returns the certificates of one domain, and none for an unknown one', async () => {
    const inv = inventory();
    const valid = await inv.forDomain('valid.example.com', later);
    expect(valid.map((e) => [e.issuerKey, e.status, Math.round(e.daysLeft!)])).toEqual([
      ['acme-v02.api.letsencrypt.org-directory', 'valid', 57],
      ['local', 'valid', 87],
    ]);
    expect(await inv.forDomain('missing-a.example.com', later)).toEqual([]);
  });

  it('reflects domain changes at once but storage changes only after maxAge or invalidate()', async () => {
    clock = later;
    const inv = inventory(1_000);
    expect((await inv.summary()).byStatus.orphaned).toBe(2);
    addDomain('orphan.example.com');
    expect((await inv.summary()).byStatus.orphaned).toBe(1);

    writeStored(storage, 'local', 'missing-a.example.com', makeCertificate('missing-a.example.com', 90));
    expect((await inv.summary()).missing.total).toBe(2);
    clock += 1_001;
    expect((await inv.summary()).missing.total).toBe(1);

    writeStored(storage, 'local', 'missing-b.example.com', makeCertificate('missing-b.example.com', 90));
    expect((await inv.summary()).missing.total).toBe(1);
    inv.invalidate();
    expect((await inv.summary()).missing).toEqual({ total: 0, hostnames: [] });
  });

  it('shares one scan between concurrent readers', async () => {
    let scans = 0;
    const inv = new CertificateInventory({
      storageRoot: storage,
      domains: store.domains,
      scanOptions: {
        readCrt: async (path) => {
          if (path.endsWith('/valid.example.com.crt')) scans++;
          return readFile(path);
        },
      },
    });
    const results = await Promise.all([inv.summary(), inv.entries(), inv.forDomain('valid.example.com')]);
    expect(results[1].length).toBe(results[0].total);
    expect(scans).toBe(2); // two issuer folders hold valid.example.com, read once each
  });

  it('counts missing certificates past one page of domains and caps the list', async () => {
    const names = Array.from({ length: 2_010 }, (_, i) => `bulk${String(i).padStart(5, '0')}.example.org` as Hostname);
    store.domains.bulkPut(
      names.map((hostname) => ({ hostname, hostnameUnicode: hostname })),
      'test',
    );
    const summary = await inventory().summary(later, { missingLimit: 3 });
    expect(summary.missing.total).toBe(2_010);
    expect(summary.missing.hostnames).toEqual(names.slice(0, 3));
    // Past the first page of 1,000 domains: every missing one is listed when the cap allows.
    const all = await inventory().summary(later, { missingLimit: 5_000 });
    expect(all.missing.hostnames).toEqual(names);
  });
});
