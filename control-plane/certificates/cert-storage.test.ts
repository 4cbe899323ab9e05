import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { removeCertificates, type StoredCertificate, scanCertificates } from './cert-storage.ts';
import { makeCertificate, type TestCertificate, writeStored } from './testdata/make-certificate.ts';

const LOCAL = 'local';
const ACME = '127.0.0.1-14000-dir';
let root: string;
let shop: TestCertificate;
let blog: TestCertificate;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cert-storage-'));
  shop = makeCertificate('shop.example.com', 90);
  blog = makeCertificate('blog.example.com', 30);
  writeStored(root, ACME, 'shop.example.com', shop);
  // A chain as Caddy stores it: leaf first, then the issuer's certificate.
  writeStored(root, LOCAL, 'blog.example.com', { crt: blog.crt + shop.crt, key: blog.key });
  writeStored(root, LOCAL, 'shop.example.com', shop);
  writeStored(root, LOCAL, 'broken.example.com', {
    crt: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  });
  writeStored(root, LOCAL, 'keyonly.example.com', { key: shop.key });
  writeStored(root, LOCAL, 'wildcard_.example.net', makeCertificate('*.example.net', 30));
  const huge = writeStored(root, LOCAL, 'huge.example.com', {});
  writeFileSync(join(huge, 'huge.example.com.crt'), 'x'.repeat(300 * 1024));
  const linked = writeStored(root, LOCAL, 'linked.example.com', {});
  symlinkSync(
    join(root, 'certificates', ACME, 'shop.example.com', 'shop.example.com.key'),
    join(linked, 'linked.example.com.crt'),
  );
  mkdirSync(join(root, 'locks'), { recursive: true });
  writeFileSync(join(root, 'locks', 'issue_cert_shop.example.com.lock'), '{"created":"now"}');
  writeFileSync(join(root, 'certificates', 'stray-file'), 'not a directory');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const find = (certs: StoredCertificate[], issuerKey: string, name: string) =>
  certs.find((c) => c.issuerKey === issuerKey && c.storageName === name);

function openssl(pem: string, ...args: string[]): string {
  return execFileSync('openssl', ['x509', '-noout', ...args], { input: pem, encoding: 'utf8' }).trim();
}

describe('scanCertificates', () => {
  it('describes every stored certificate as openssl reads it', async () => {
    const certs = await scanCertificates(root);
    expect(certs).toHaveLength(8);
    const info = find(certs, ACME, 'shop.example.com')!.info!;
    expect(info.serial).toBe(openssl(shop.crt, '-serial').replace('serial=', ''));
    expect(info.fingerprintSha256).toBe(
      openssl(shop.crt, '-fingerprint', '-sha256').split('=')[1]!.replaceAll(':', '').toLowerCase(),
    );
    expect(info.notAfter).toBe(Date.parse(openssl(shop.crt, '-enddate').replace('notAfter=', '')));
    expect(info.notBefore).toBe(Date.parse(openssl(shop.crt, '-startdate').replace('notBefore=', '')));
    expect(info).toMatchObject({
      subjectCommonName: 'shop.example.com',
      issuer: { commonName: 'shop.example.com', organization: null },
      sans: ['shop.example.com'],
    });
    expect(Math.round((info.notAfter - info.notBefore) / 86_400_000)).toBe(90);
  });

  it('reads the leaf, the first certificate of a chain', async () => {
    const blogEntry = find(await scanCertificates(root), LOCAL, 'blog.example.com')!;
    expect(blogEntry.info?.sans).toEqual(['blog.example.com']);
    expect(blogEntry.info?.serial).toBe(openssl(blog.crt, '-serial').replace('serial=', ''));
  });

  it('maps certmagic storage names back to hostnames', async () => {
    const wildcard = find(await scanCertificates(root), LOCAL, 'wildcard_.example.net')!;
    expect(wildcard.hostname).toBe('*.example.net');
    expect(wildcard.info?.sans).toEqual(['*.example.net']);
  });

  it('reports bad files as entries with an error instead of throwing', async () => {
    const certs = await scanCertificates(root);
    const errorOf = (name: string) => find(certs, LOCAL, name)?.error?.code;
    expect(errorOf('broken.example.com')).toBe('CRT_UNPARSEABLE');
    expect(errorOf('keyonly.example.com')).toBe('CRT_MISSING');
    expect(errorOf('huge.example.com')).toBe('CRT_TOO_LARGE');
    // A .crt symlink (here to a private key) is refused, not followed.
    expect(errorOf('linked.example.com')).toBe('CRT_UNREADABLE');
    for (const c of certs) expect(c.info === null).toBe(c.error !== null);
  });

  it('opens only .crt files and never returns key material', async () => {
    const opened: string[] = [];
    const certs = await scanCertificates(root, {
      readCrt: async (path, maxBytes) => {
        opened.push(path);
        const handle = await open(path, 'r');
        try {
          return (await handle.readFile()).subarray(0, maxBytes);
        } finally {
          await handle.close();
        }
      },
    });
    expect(opened).toHaveLength(8);
    for (const path of opened) expect(path).toMatch(/\/certificates\/[^/]+\/([^/]+)\/\1\.crt$/);
    const output = JSON.stringify(certs);
    expect(output).not.toContain('PRIVATE KEY');
    for (const line of [shop.key, blog.key].flatMap((k) => k.split('\n')).filter((l) => l.length > 20)) {
      expect(output).not.toContain(line);
    }
  });

  it('reparses only the files that changed since the previous scan', async () => {
    const first = await scanCertificates(root);
    const renewed = makeCertificate('blog.example.com', 60);
    writeFileSync(join(root, 'certificates', LOCAL, 'blog.example.com', 'blog.example.com.crt'), renewed.crt);
    const opened: string[] = [];
    const second = await scanCertificates(root, {
      previous: first,
      readCrt: async (path) => {
        opened.push(path);
        return readFileSync(path);
      },
    });
    // Unchanged files are reused as they were; the rewritten one and those with no stamp (missing, symlink) are read again.
    expect(opened.map((p) => p.split('/').at(-1)).sort()).toEqual([
      'blog.example.com.crt',
      'keyonly.example.com.crt',
      'linked.example.com.crt',
    ]);
    expect(find(second, ACME, 'shop.example.com')).toBe(find(first, ACME, 'shop.example.com'));
    expect(find(second, LOCAL, 'blog.example.com')!.info!.serial).toBe(
      openssl(renewed.crt, '-serial').replace('serial=', ''),
    );
    writeFileSync(join(root, 'certificates', LOCAL, 'blog.example.com', 'blog.example.com.crt'), blog.crt + shop.crt);
  });

  it('finds nothing in a storage root without certificates', async () => {
    expect(await scanCertificates(join(root, 'does-not-exist'))).toEqual([]);
  });

  it('throws CERT_STORAGE_UNAVAILABLE when the certificates folder cannot be listed', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'cert-storage-bad-'));
    writeFileSync(join(bad, 'certificates'), 'a file, not a folder');
    const err = await scanCertificates(bad).catch((e: unknown) => e);
    rmSync(bad, { recursive: true, force: true });
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CERT_STORAGE_UNAVAILABLE');
  });
});

describe('removeCertificates', () => {
  it('deletes the name under every issuer and leaves other names and the issuance lock alone', async () => {
    const removed = await removeCertificates(root, 'shop.example.com');
    expect(removed.sort()).toEqual(
      [
        join(root, 'certificates', ACME, 'shop.example.com'),
        join(root, 'certificates', LOCAL, 'shop.example.com'),
      ].sort(),
    );
    for (const dir of removed) expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(root, 'locks', 'issue_cert_shop.example.com.lock'))).toBe(true);
    expect(existsSync(join(root, 'certificates', LOCAL, 'blog.example.com', 'blog.example.com.crt'))).toBe(true);
    expect(await removeCertificates(root, 'shop.example.com')).toEqual([]);
  });

  it('refuses anything that is not a lowercase LDH name (path traversal guard)', async () => {
    const victim = join(root, 'certificates', LOCAL, 'blog.example.com');
    const names = [
      '..',
      '.',
      '../..',
      '../local',
      'a/b',
      'blog.example.com/..',
      '',
      'Blog.example.com',
      'a..b',
      '.a',
      '*.example.net',
      'a b',
      'a\\b',
      'a\0b',
      'wildcard_.example.net',
    ];
    for (const name of names) {
      const err = await removeCertificates(root, name).catch((e: unknown) => e);
      expect(err, JSON.stringify(name)).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('VALIDATION_FAILED');
    }
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(join(root, 'certificates', LOCAL))).toBe(true);
  });
});
