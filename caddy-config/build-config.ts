import { buildHttpApp } from './build-http.ts';
import { buildHostRoutes } from './build-routes.ts';
import { buildPkiApp, buildTlsApp } from './build-tls.ts';
import { groupDomains } from './group-domains.ts';
import type { BuildSettings, NodeSettings, RoutedDomain } from './settings.ts';
import type { CaddyConfig, CaddyRoute } from './types.ts';
import { assertSpecificListen } from './validate-listen.ts';

/**
 * The whole Caddy config for one node: a pure function of the routed domains and the settings
 * (no I/O, clock or env). Equal inputs in any order give byte-identical output.
 *
 * @example
 * ```ts
 * const config = buildCaddyConfig([{ hostname: 'a.example' as Hostname, upstream: 'blue' }], settings, node);
 * await client.load(config);
 * ```
 * @throws ValidationError `UNKNOWN_UPSTREAM` when a domain names an upstream that is not configured,
 *   `VALIDATION_FAILED` for a wildcard admin listen address or a hostname routed to two upstreams.
 */
export function buildCaddyConfig(
  routed: readonly RoutedDomain[],
  settings: BuildSettings,
  node: NodeSettings,
): CaddyConfig {
  assertSpecificListen(node.adminListen, 'node.adminListen');
  const hostRoutes = sharedHostRoutes(routed, settings);
  const pki = buildPkiApp(settings);
  return {
    admin: {
      listen: node.adminListen,
      origins: [...(node.adminOrigins ?? [node.adminListen])],
      config: { persist: settings.persistConfig },
    },
    storage: { module: 'file_system', root: settings.storageRoot },
    apps: {
      http: buildHttpApp(hostRoutes, settings, node),
      tls: buildTlsApp(settings),
      ...(pki === undefined ? {} : { pki }),
    },
  };
}

/**
 * Host routes depend only on the routed domains and the settings, not on the node: building the
 * configs of a whole fleet from the same `routed` array and `settings` objects computes them once
 * (the route objects are then shared, read-only, between the nodes' configs).
 */
const hostRoutesCache = new WeakMap<readonly RoutedDomain[], WeakMap<BuildSettings, readonly CaddyRoute[]>>();

function sharedHostRoutes(routed: readonly RoutedDomain[], settings: BuildSettings): readonly CaddyRoute[] {
  let bySettings = hostRoutesCache.get(routed);
  if (!bySettings) {
    bySettings = new WeakMap();
    hostRoutesCache.set(routed, bySettings);
  }
  let routes = bySettings.get(settings);
  if (!routes) {
    routes = buildHostRoutes(groupDomains(routed, settings), settings.headers);
    bySettings.set(settings, routes);
  }
  return routes;
}
