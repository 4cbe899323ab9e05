import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its private key, both PEM. */
export interface TestCertificate {
  crt: string;
  key: string;
}

/** A self-signed P-256 certificate for `name` (CN and SAN) valid for `days` from now, made by openssl. */
export function makeCertificate(name: string, days: number): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'test-cert-'));
  try {
    const [keyFile, crtFile] = [join(dir, 'key.pem'), join(dir, 'crt.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
        ...['-days', String(days), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`],
        ...['-keyout', keyFile, '-out', crtFile],
      ],
      { stdio: 'ignore' },
    );
    return { crt: readFileSync(crtFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `<root>/certificates/<issuerKey>/<name>/<name>.{crt,key,json}` the way certmagic lays them out. */
export function writeStored(root: string, issuerKey: string, name: string, files: Partial<TestCertificate>): string {
  const dir = join(root, 'certificates', issuerKey, name);
  mkdirSync(dir, { recursive: true });
  if (files.crt !== undefined) writeFileSync(join(dir, `${name}.crt`), files.crt);
  if (files.key !== undefined) writeFileSync(join(dir, `${name}.key`), files.key);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ sans: [name], issuer_data: null }));
  return dir;
}
