import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateInventory } from '../certificates/certificate-inventory.ts';
import { makeCertificate, writeStored } from '../certificates/testdata/make-certificate.ts';
import { openStore, type Store } from '../store/store.ts';
import type { Hostname } from '../types.ts';
import { inventoryCertificates } from './inventory-certificates.ts';

let dir: string;
let storage: string;
let store: Store;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dashboard-inventory-'));
  storage = join(dir, 'storage');
  store = openStore(join(dir, 'db.sqlite'));
  for (const name of ['live.example.com', 'gone.example.com'])
    writeStored(storage, 'local', name, makeCertificate(name, 90));
  writeStored(storage, 'local', 'broken.example.com', { crt: 'garbage' });
  for (const h of ['live.example.com', 'broken.example.com', 'new.example.com']) {
    store.domains.create({ hostname: h as Hostname, hostnameUnicode: h }, 'test');
  }
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const adapter = () =>
  inventoryCertificates({
    inventory: new CertificateInventory({ storageRoot: storage, domains: store.domains }),
    storageRoot: storage,
    domains: store.domains,
  });

describe('inventoryCertificates', () => {
  it('sorts stored certificates into soonest, missing, failing and orphaned', async () => {
    const s = await adapter().summary();
    expect(s.total).toBe(3);
    expect(s.soonest.map((c) => c.hostname)).toEqual(['live.example.com']);
    expect(s.soonest[0]!.issuer).toBe('live.example.com');
    expect(s.missing).toEqual({ total: 1, sample: ['new.example.com'] });
    expect(s.failing.map((c) => [c.hostname, c.status])).toEqual([['broken.example.com', 'unparseable']]);
    expect(s.failing[0]!.error).toMatch(/^CRT_UNPARSEABLE/);
    expect(s.orphaned.map((c) => c.hostname)).toEqual(['gone.example.com']);
  });

  it('deletes an orphan, refuses a servable domain and reports nothing stored', async () => {
    const certs = adapter();
    await expect(certs.deleteOrphan('live.example.com')).rejects.toMatchObject({ code: 'CERTIFICATE_IN_USE' });
    expect(existsSync(join(storage, 'certificates/local/live.example.com'))).toBe(true);
    expect(await certs.deleteOrphan('gone.example.com')).toEqual({ removed: ['certificates/local/gone.example.com'] });
    expect(existsSync(join(storage, 'certificates/local/gone.example.com'))).toBe(false);
    expect((await certs.summary()).orphaned).toEqual([]);
    await expect(certs.deleteOrphan('gone.example.com')).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_FOUND' });
  });
});
