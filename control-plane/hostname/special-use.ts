/**
 * Top-level domains that can never be a customer's domain: RFC 6761 special-use names and later
 * reservations. A name is special-use when its last label is one of these.
 * - `localhost` (RFC 6761 §6.3, with every name under it), `local` (mDNS, RFC 6762),
 *   `invalid`, `test`, `example` (RFC 6761/2606; only the TLD: `example.com` is an ordinary domain),
 * - `internal` (ICANN's private-use TLD), `onion` (RFC 7686), `alt` (RFC 9476),
 * - `arpa`: infrastructure only (`home.arpa` RFC 8375, reverse DNS `in-addr.arpa`/`ip6.arpa`,
 *   `ipv4only.arpa`, `resolver.arpa`, `service.arpa`); no public CA issues for it.
 */
export const SPECIAL_USE_TLDS: ReadonlySet<string> = new Set([
  'localhost',
  'local',
  'invalid',
  'test',
  'example',
  'internal',
  'onion',
  'alt',
  'arpa',
]);

/** True when the canonical (lowercase A-label) `hostname` is a special-use name or under one. */
export function isSpecialUseHostname(hostname: string): boolean {
  return SPECIAL_USE_TLDS.has(hostname.slice(hostname.lastIndexOf('.') + 1));
}
