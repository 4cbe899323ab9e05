import { buildReverseProxy } from './build-proxy.ts';
import { compareStrings, type UpstreamGroup } from './group-domains.ts';
import type { BuildSettings } from './settings.ts';
import type { CaddyRoute } from './types.ts';

/** Number of level-1 buckets for `upstreamCount` named upstreams: ⌈√n⌉, so both levels stay short. */
export function bucketCount(upstreamCount: number): number {
  return Math.ceil(Math.sqrt(upstreamCount));
}

/**
 * Two-level bucketed host routing (facts §4). The upstream groups (sorted by name) are cut into
 * ⌈√n⌉ contiguous buckets. Each level-1 route matches every hostname of its bucket (a long list, so
 * Caddy binary-searches it) and holds a subroute with one route per upstream of the bucket. A request
 * then costs at most ~√n list lookups at each level, so latency stays flat at 100k names.
 *
 * Every hostname appears exactly once at level 1 and once at level 2.
 */
export function buildHostRoutes(groups: readonly UpstreamGroup[], headers: BuildSettings['headers']): CaddyRoute[] {
  if (groups.length === 0) return [];
  const perBucket = Math.ceil(groups.length / bucketCount(groups.length));
  const routes: CaddyRoute[] = [];
  for (let start = 0; start < groups.length; start += perBucket) {
    const bucket = groups.slice(start, start + perBucket);
    const hostnames = bucket.flatMap((group) => group.hostnames).sort(compareStrings);
    routes.push({
      match: [{ host: hostnames }],
      handle: [
        {
          handler: 'subroute',
          routes: bucket.map((group) => ({
            match: [{ host: group.hostnames }],
            handle: [buildReverseProxy(group.upstream, headers)],
            terminal: true,
          })),
        },
      ],
      terminal: true,
    });
  }
  return routes;
}
