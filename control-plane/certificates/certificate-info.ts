import { X509Certificate } from 'node:crypto';

/** What we report about one certificate: public facts only, never key material. Times are epoch ms. */
export interface CertificateInfo {
  /** Subject common name, or null when the subject has none (ACME leaf certificates often do not). */
  subjectCommonName: string | null;
  issuer: { commonName: string | null; organization: string | null };
  /** DNS names (and IP addresses) from the subject alternative name extension. */
  sans: string[];
  /** Upper-case hex, as `openssl x509 -serial` prints it. */
  serial: string;
  notBefore: number;
  notAfter: number;
  /** sha256 of the DER encoding, lower-case hex without colons. */
  fingerprintSha256: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/;

/**
 * Parses the first certificate of a PEM bundle (Caddy stores the leaf first, then the chain).
 * Throws when there is no certificate block or it does not parse.
 */
export function parseFirstCertificate(pem: string): CertificateInfo {
  const block = PEM_CERTIFICATE.exec(pem);
  if (!block) throw new Error('no PEM certificate block');
  return describeX509(new X509Certificate(block[0]));
}

/** The {@link CertificateInfo} of a parsed certificate (from a file or a TLS peer). */
export function describeX509(x509: X509Certificate): CertificateInfo {
  const subject = distinguishedName(x509.subject);
  const issuer = distinguishedName(x509.issuer);
  return {
    subjectCommonName: subject.get('CN') ?? null,
    issuer: { commonName: issuer.get('CN') ?? null, organization: issuer.get('O') ?? null },
    sans: alternativeNames(x509.subjectAltName),
    serial: x509.serialNumber.toUpperCase(),
    notBefore: parseTime(x509.validFrom, 'notBefore'),
    notAfter: parseTime(x509.validTo, 'notAfter'),
    fingerprintSha256: x509.fingerprint256.replaceAll(':', '').toLowerCase(),
  };
}

/** `C=US\nO=Let's Encrypt\nCN=R3` → first value per attribute. Node gives `undefined` for an empty name (Caddy's leaves). */
function distinguishedName(dn: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (dn ?? '').split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (!out.has(key)) out.set(key, line.slice(eq + 1));
  }
  return out;
}

/** `DNS:a.test, DNS:"odd,name", IP Address:127.0.0.1` → `['a.test', 'odd,name', '127.0.0.1']`. */
function alternativeNames(san: string | undefined): string[] {
  if (!san) return [];
  const names: string[] = [];
  // Node quotes values that contain separators as JSON strings; plain values never contain ", ".
  const entry = /(DNS|IP Address):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (const m of san.matchAll(entry)) {
    const value = m[2]!;
    names.push(value.startsWith('"') ? (JSON.parse(value) as string) : value);
  }
  return names;
}

function parseTime(text: string, field: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`unreadable ${field}: ${text}`);
  return ms;
}
