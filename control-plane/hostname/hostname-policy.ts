import { type FieldIssue, ValidationError } from '../errors.ts';
import type { Hostname } from '../types.ts';
import { checkRegistrable } from './check-registrable.ts';
import { HOSTNAME_ERROR_MESSAGES, type HostnameErrorCode } from './hostname-result.ts';
import { MAX_HOSTNAME_INPUT_LENGTH } from './ldh.ts';
import { type CompiledHostnamePolicy, PLATFORM_DOMAIN_SET } from './platform-domains.ts';
import { toAsciiHostname } from './to-ascii-hostname.ts';

/** What `canonicalizeHostname` needs beyond the rules themselves: the platform's own domains. */
export interface HostnamePolicy {
  /** Canonical platform domains; they and every name under them are refused as customer domains. */
  readonly platformDomains: readonly Hostname[];
}

/**
 * Builds the policy once at start-up from configured platform domains (any case, U- or A-labels,
 * one trailing dot allowed), canonicalised and de-duplicated. A platform domain must be a valid
 * hostname that is not an IP, a public suffix or a single label; special-use names (`saas.test`,
 * `fleet.localhost`) are allowed so local setups work, since customers can never add those anyway.
 *
 * @throws ValidationError (`VALIDATION_FAILED`) with one issue per invalid entry, path `platformDomains[i]`.
 */
export function createHostnamePolicy(platformDomains: readonly string[]): HostnamePolicy {
  const issues: FieldIssue[] = [];
  const domains = new Set<string>();
  const list: readonly unknown[] = Array.isArray(platformDomains) ? platformDomains : [platformDomains];
  list.forEach((raw, i) => {
    const code = platformDomainProblem(raw, domains);
    if (code !== null) issues.push({ path: `platformDomains[${i}]`, code, message: describe(raw, code) });
  });
  if (issues.length > 0) throw new ValidationError('invalid platform domains', issues);
  const policy: CompiledHostnamePolicy = {
    platformDomains: Object.freeze([...domains] as Hostname[]),
    [PLATFORM_DOMAIN_SET]: domains,
  };
  return Object.freeze(policy);
}

/** Adds the canonical form of `raw` to `into`, or returns why it cannot be a platform domain. */
function platformDomainProblem(raw: unknown, into: Set<string>): HostnameErrorCode | null {
  if (typeof raw !== 'string') return 'NOT_A_STRING';
  if (raw.length === 0) return 'EMPTY';
  if (raw.length > MAX_HOSTNAME_INPUT_LENGTH) return 'TOO_LONG';
  const ascii = toAsciiHostname(raw);
  if (typeof ascii !== 'string') return ascii.code;
  const code = checkRegistrable(ascii, undefined);
  if (code !== null && code !== 'SPECIAL_USE') return code;
  into.add(ascii);
  return null;
}

function describe(raw: unknown, code: HostnameErrorCode): string {
  const shown = typeof raw === 'string' ? JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw) : typeof raw;
  return `platform domain ${shown}: ${HOSTNAME_ERROR_MESSAGES[code]}`;
}
