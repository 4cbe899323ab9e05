import type { Hostname } from '../types.ts';
import { checkRegistrable } from './check-registrable.ts';
import type { HostnamePolicy } from './hostname-policy.ts';
import { type HostnameResult, hostnameFailure } from './hostname-result.ts';
import { uts46ToUnicode } from './idna.ts';
import { MAX_HOSTNAME_INPUT_LENGTH } from './ldh.ts';
import { toAsciiHostname } from './to-ascii-hostname.ts';

export type { HostnameErrorCode, HostnameResult } from './hostname-result.ts';

/**
 * Turns what a user, the bulk API or Caddy's `ask` sent into the canonical {@link Hostname}
 * (lowercase A-labels, no trailing dot) or says why it cannot be a customer domain.
 *
 * UTS-46 non-transitional processing with STD3 rules, hyphen, joiner and bidi checks; DNS limits
 * (253/63); one trailing dot dropped. Rejected: IP literals in any notation, single labels,
 * special-use names, public suffixes (PSL with its private section), the policy's platform domains
 * and their subdomains, wildcards, URLs, ports, paths, and whitespace (never trimmed), control,
 * bidi-control and other invisible characters anywhere. Never throws, whatever `input` is.
 *
 * @example
 * canonicalizeHostname('Bücher.DE.')  // { ok: true, hostname: 'xn--bcher-kva.de', unicode: 'bücher.de' }
 * canonicalizeHostname('*.shop.com')  // { ok: false, code: 'WILDCARD_UNSUPPORTED', message: 'wildcard hostnames are not supported yet' }
 */
export function canonicalizeHostname(input: unknown, policy?: HostnamePolicy): HostnameResult {
  return canonicalizeHostnameUsing(input, policy, true);
}

/**
 * {@link canonicalizeHostname} with the LDH fast path switchable.
 * @internal For tests proving that the fast path and full UTS-46 processing agree.
 */
export function canonicalizeHostnameUsing(
  input: unknown,
  policy: HostnamePolicy | undefined,
  fastPath: boolean,
): HostnameResult {
  if (typeof input !== 'string') return hostnameFailure('NOT_A_STRING');
  if (input.length === 0) return hostnameFailure('EMPTY');
  if (input.length > MAX_HOSTNAME_INPUT_LENGTH) return hostnameFailure('TOO_LONG');
  const ascii = toAsciiHostname(input, fastPath);
  if (typeof ascii !== 'string') return ascii;
  const code = checkRegistrable(ascii, policy);
  if (code !== null) return hostnameFailure(code);
  return { ok: true, hostname: ascii as Hostname, unicode: uts46ToUnicode(ascii) };
}

/** The U-label (display) form of a canonical hostname: `xn--bcher-kva.de` → `bücher.de`. */
export function toUnicodeHostname(hostname: Hostname): string {
  return uts46ToUnicode(hostname);
}
