import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCaddyConfig } from './build-config.ts';
import { canonicalJson } from './canonical-json.ts';
import { fingerprint } from './fingerprint.ts';
import type { BuildSettings, RoutedDomain, Upstream } from './settings.ts';
import { routed, testNode, testSettings } from './testdata/fixtures.ts';
import type { CaddyConfig, CaddyRoute, CaddySubrouteHandler } from './types.ts';

const upstreamNames = Array.from({ length: 12 }, (_, i) => `up-${i}`);
const upstreams: Record<string, Upstream> = Object.fromEntries(
  upstreamNames.map((name, i) => [name, { name, dial: `10.0.0.${i + 1}:8080`, tls: i % 3 === 0 }]),
);
const settings: BuildSettings = testSettings({ upstreams });

/** Unique hostnames, each routed to a named upstream or to `default`. */
const routedArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z0-9]{1,8}\.(test|example\.com)$/), { maxLength: 60 })
  .chain((hosts) =>
    fc.tuple(
      fc.constant(hosts),
      fc.array(fc.constantFrom(...upstreamNames, 'default'), { minLength: hosts.length, maxLength: hosts.length }),
    ),
  )
  .map(([hosts, ups]) => hosts.map((h, i) => routed(h, ups[i]!)));

function hostRoutes(config: CaddyConfig): CaddyRoute[] {
  return config.apps.http.servers.https!.routes.filter((route) => route.match !== undefined);
}

function levelTwo(route: CaddyRoute): CaddyRoute[] {
  return (route.handle[0] as CaddySubrouteHandler).routes;
}

describe('buildCaddyConfig properties', () => {
  it('is deterministic under input permutation and duplication', () => {
    fc.assert(
      fc.property(
        routedArb.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))),
        ([list, shuffled]) => {
          const a = canonicalJson(buildCaddyConfig(list, settings, testNode()));
          const b = canonicalJson(buildCaddyConfig([...shuffled, ...shuffled.slice(0, 3)], settings, testNode()));
          expect(b).toBe(a);
        },
      ),
    );
  });

  it('puts every named-upstream hostname exactly once in a level-1 and once in a level-2 matcher', () => {
    fc.assert(
      fc.property(routedArb, (list: RoutedDomain[]) => {
        const routes = hostRoutes(buildCaddyConfig(list, settings, testNode()));
        const level1 = routes.flatMap((route) => route.match![0]!.host!);
        const level2 = routes.flatMap((route) => levelTwo(route).flatMap((r) => r.match![0]!.host!));
        const expected = list.filter((d) => d.upstream !== 'default').map((d) => d.hostname as string);
        expect([...level1].sort()).toEqual([...expected].sort());
        expect([...level2].sort()).toEqual([...expected].sort());
        for (const route of routes) {
          const own = new Set(route.match![0]!.host!);
          for (const inner of levelTwo(route)) {
            for (const host of inner.match![0]!.host!) expect(own.has(host)).toBe(true);
          }
        }
      }),
    );
  });

  it('routes each hostname to the reverse_proxy of its upstream, default last as catch-all', () => {
    fc.assert(
      fc.property(routedArb, (list) => {
        const config = buildCaddyConfig(list, settings, testNode());
        const dialOf = new Map<string, string>();
        for (const route of hostRoutes(config)) {
          for (const inner of levelTwo(route)) {
            const handler = inner.handle[0];
            if (handler?.handler !== 'reverse_proxy') throw new Error('expected reverse_proxy');
            for (const host of inner.match![0]!.host!) dialOf.set(host, handler.upstreams[0]!.dial);
          }
        }
        for (const d of list) {
          expect(dialOf.get(d.hostname)).toBe(d.upstream === 'default' ? undefined : upstreams[d.upstream]!.dial);
        }
        const last = config.apps.http.servers.https!.routes.at(-1)!;
        expect(last.match).toBeUndefined();
        expect(last.handle[0]).toMatchObject({ upstreams: [{ dial: settings.defaultUpstream.dial }] });
      }),
    );
  });

  it('uses about √n buckets for n named upstreams', () => {
    const list = upstreamNames.map((name, i) => routed(`h${i}.test`, name));
    expect(hostRoutes(buildCaddyConfig(list, settings, testNode()))).toHaveLength(Math.ceil(Math.sqrt(12)));
  });

  it('fingerprint is stable under key reordering', () => {
    const jsonValue = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(fingerprint(reverseKeys(value))).toBe(fingerprint(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(value);
      }),
    );
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reverseKeys(v)]));
}
