import { getPublicSuffix, parse } from 'tldts';

/** The input is already a canonical hostname: skip tldts' URL extraction, validation and IP sniffing. */
const PSL_OPTIONS = Object.freeze({
  allowIcannDomains: true,
  allowPrivateDomains: true,
  detectIp: false,
  extractHostname: false,
  mixedInputs: false,
  validateHostname: false,
});

/**
 * True when the canonical `hostname` is itself a public suffix by an explicit rule of the Public
 * Suffix List, ICANN or private section (`com`, `co.uk`, `github.io`, `foo.ck` by `*.ck`).
 * A single label under no rule (`intranet`) is NOT a public suffix by this test: the PSL's implicit
 * `*` rule says nothing about whether a TLD exists.
 */
export function isPublicSuffix(hostname: string): boolean {
  if (!hostname.includes('.')) {
    const r = parse(hostname, PSL_OPTIONS);
    return r.publicSuffix === hostname && (r.isIcann === true || r.isPrivate === true);
  }
  // With two or more labels the implicit `*` rule yields only the last label, so equality means an explicit rule.
  return getPublicSuffix(hostname, PSL_OPTIONS) === hostname;
}
