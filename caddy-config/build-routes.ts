import { buildReverseProxy } from './build-proxy.ts';
import { compareStrings, type UpstreamGroup } from './group-domains.ts';
import type { BuildSettings } from './settings.ts';
import type { CaddyRoute } from './types.ts';

/** Routes per level for `upstreamCount` named upstreams: ⌈∛n⌉ (at least 2). */
export function bucketFanout(upstreamCount: number): number {
  return Math.max(2, Math.ceil(Math.cbrt(upstreamCount)));
}

/**
 * Bucketed host routing (facts §4, one level deeper). Caddy evaluates a route list in order and each
 * non-matching route costs about a microsecond whatever its list length (a list over 100 names is
 * binary-searched), so what grows with the fleet is the number of routes a request walks past.
 * The upstream groups (sorted by name) are cut into ⌈∛n⌉ contiguous buckets; each bucket route
 * matches every hostname below it and holds a subroute with the next level; the last level has one
 * reverse_proxy route per upstream. At 1,000 upstreams a request walks at most 10 + 10 + 10 routes
 * (two levels of ⌈√n⌉ walk 32 + 31), which keeps 100k names at the 10-name latency.
 *
 * Every hostname appears exactly once in each level of matchers on its path.
 */
export function buildHostRoutes(groups: readonly UpstreamGroup[], headers: BuildSettings['headers']): CaddyRoute[] {
  if (groups.length === 0) return [];
  return nest(groups, bucketFanout(groups.length), headers, true);
}

function nest(
  groups: readonly UpstreamGroup[],
  fanout: number,
  headers: BuildSettings['headers'],
  top: boolean,
): CaddyRoute[] {
  if (!top && groups.length <= fanout) {
    return groups.map((group) => ({
      match: [{ host: group.hostnames }],
      handle: [buildReverseProxy(group.upstream, headers)],
      terminal: true,
    }));
  }
  const perBucket = Math.ceil(groups.length / fanout);
  const routes: CaddyRoute[] = [];
  for (let start = 0; start < groups.length; start += perBucket) {
    const bucket = groups.slice(start, start + perBucket);
    routes.push({
      match: [{ host: bucket.flatMap((group) => group.hostnames).sort(compareStrings) }],
      handle: [{ handler: 'subroute', routes: nest(bucket, fanout, headers, false) }],
      terminal: true,
    });
  }
  return routes;
}
