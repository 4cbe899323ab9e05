import { ValidationError } from '../control-plane/errors.ts';
import type { BuildSettings, RoutedDomain, Upstream } from './settings.ts';

/** The hostnames of one named upstream, lowercase, sorted and without duplicates. */
export interface UpstreamGroup {
  upstream: Upstream;
  hostnames: string[];
}

/** Byte-order comparison: deterministic and independent of the runtime's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Groups routed domains by named upstream, sorted by upstream name. Domains on the default upstream
 * are left out (the catch-all route serves them). Throws `UNKNOWN_UPSTREAM` for a domain whose
 * upstream is not configured, and `VALIDATION_FAILED` for a hostname routed to two upstreams.
 */
export function groupDomains(routed: readonly RoutedDomain[], settings: BuildSettings): UpstreamGroup[] {
  const upstreamOf = new Map<string, string>();
  for (const [index, domain] of routed.entries()) {
    const hostname = domain.hostname.toLowerCase();
    const isDefault =
      domain.upstream === settings.defaultUpstream.name && !Object.hasOwn(settings.upstreams, domain.upstream);
    if (!isDefault && !Object.hasOwn(settings.upstreams, domain.upstream)) {
      throw new ValidationError(
        `domain ${hostname} names unknown upstream ${domain.upstream}`,
        [
          {
            path: `routed[${index}].upstream`,
            code: 'unknown_upstream',
            message: `unknown upstream ${domain.upstream}`,
          },
        ],
        'UNKNOWN_UPSTREAM',
      );
    }
    const previous = upstreamOf.get(hostname);
    if (previous !== undefined && previous !== domain.upstream) {
      throw new ValidationError(`domain ${hostname} is routed to both ${previous} and ${domain.upstream}`, [
        { path: `routed[${index}].hostname`, code: 'conflicting_route', message: `${hostname} routed twice` },
      ]);
    }
    upstreamOf.set(hostname, domain.upstream);
  }

  const byUpstream = new Map<string, string[]>();
  for (const [hostname, upstream] of upstreamOf) {
    if (!Object.hasOwn(settings.upstreams, upstream)) continue; // the default upstream: served by the catch-all
    const list = byUpstream.get(upstream);
    if (list === undefined) byUpstream.set(upstream, [hostname]);
    else list.push(hostname);
  }
  return [...byUpstream.keys()].sort(compareStrings).map((name) => ({
    upstream: settings.upstreams[name]!,
    hostnames: byUpstream.get(name)!.sort(compareStrings),
  }));
}
