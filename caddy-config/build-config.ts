import { buildHttpApp } from './build-http.ts';
import { buildPkiApp, buildTlsApp } from './build-tls.ts';
import { groupDomains } from './group-domains.ts';
import type { BuildSettings, NodeSettings, RoutedDomain } from './settings.ts';
import type { CaddyConfig } from './types.ts';
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
  const groups = groupDomains(routed, settings);
  const pki = buildPkiApp(settings);
  return {
    admin: {
      listen: node.adminListen,
      origins: [...(node.adminOrigins ?? [node.adminListen])],
      config: { persist: settings.persistConfig },
    },
    storage: { module: 'file_system', root: settings.storageRoot },
    apps: {
      http: buildHttpApp(groups, settings, node),
      tls: buildTlsApp(settings),
      ...(pki === undefined ? {} : { pki }),
    },
  };
}
