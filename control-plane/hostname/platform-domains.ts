import type { HostnamePolicy } from './hostname-policy.ts';
import { isSameOrSubdomain } from './is-same-or-subdomain.ts';

/** Where {@link createHostnamePolicy} keeps the platform domains as a set, for O(labels) lookups. */
export const PLATFORM_DOMAIN_SET: unique symbol = Symbol('platformDomainSet');

/** A policy as built by `createHostnamePolicy`: the public shape plus a precomputed set. */
export interface CompiledHostnamePolicy extends HostnamePolicy {
  readonly [PLATFORM_DOMAIN_SET]: ReadonlySet<string>;
}

/**
 * True when the canonical `hostname` is one of the policy's platform domains or under one on a
 * label boundary. Policies not built by `createHostnamePolicy` (plain objects) are scanned linearly.
 */
export function isPlatformHostname(policy: HostnamePolicy, hostname: string): boolean {
  const set = (policy as Partial<CompiledHostnamePolicy>)[PLATFORM_DOMAIN_SET];
  if (set === undefined) return policy.platformDomains.some((parent) => isSameOrSubdomain(hostname, parent));
  if (set.size === 0) return false;
  if (set.has(hostname)) return true;
  for (let dot = hostname.indexOf('.'); dot !== -1; dot = hostname.indexOf('.', dot + 1)) {
    if (set.has(hostname.slice(dot + 1))) return true;
  }
  return false;
}
