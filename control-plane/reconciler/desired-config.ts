import { createHash } from 'node:crypto';
import { buildCaddyConfig } from '../../caddy-config/build-config.ts';
import { canonicalJson } from '../../caddy-config/canonical-json.ts';
import type { BuildSettings, NodeSettings, RoutedDomain } from '../../caddy-config/settings.ts';
import type { CaddyConfig } from '../../caddy-config/types.ts';
import type { FleetNode } from '../fleet/node-discovery.ts';
import type { Logger } from '../log.ts';
import type { DomainRepo } from '../store/domain-repo.ts';
import type { NodeId } from '../types.ts';

/** One node's desired config, built once per generation. */
export interface DesiredConfig {
  generation: number;
  config: CaddyConfig;
  /** The JSON served to a bootstrapping node. */
  json: string;
  fingerprint: string;
}

/** The node-specific part of the config, derived from discovery. */
export function nodeSettingsFor(node: FleetNode): NodeSettings {
  const admin = new URL(node.adminUrl);
  const httpsListen = node.httpsListen ?? ':443';
  const httpsPort = Number(httpsListen.slice(httpsListen.lastIndexOf(':') + 1));
  return {
    id: node.id as NodeId,
    adminListen: node.adminListen ?? admin.host,
    httpListen: node.httpListen ?? ':80',
    httpsListen,
    ...(httpsPort !== 443 ? { httpsRedirectPort: httpsPort } : {}),
  };
}

/**
 * Desired config per node: a pure function of the store's routed domains, the settings and the
 * node, cached by config generation so a bootstrap pull (Caddy 2.6.2 fetches ten times) and each
 * reconcile pass cost one build per node per generation.
 */
export class DesiredConfigSource {
  readonly #domains: DomainRepo;
  readonly #settings: BuildSettings;
  readonly #log: Logger;
  #routed: { generation: number; domains: RoutedDomain[] } | undefined;
  readonly #cache = new Map<string, DesiredConfig>();
  /** Canonical JSON of the large arrays the nodes' configs share (host routes), per generation. */
  #jsonCache = new WeakMap<object, string>();

  constructor(domains: DomainRepo, settings: BuildSettings, logger: Logger) {
    this.#domains = domains;
    this.#settings = settings;
    this.#log = logger;
  }

  get settings(): BuildSettings {
    return this.#settings;
  }

  /** The current generation's routed domains, minus any naming an upstream no longer configured. */
  #current(): { generation: number; domains: RoutedDomain[] } {
    const generation = this.#domains.generation();
    if (this.#routed?.generation === generation) return this.#routed;
    const { generation: g, routed } = this.#domains.routedSnapshot();
    const known = routed.filter((d) => this.#settings.upstreams[d.upstream] !== undefined);
    if (known.length !== routed.length) {
      this.#log.warn(
        { dropped: routed.length - known.length },
        'domains name upstreams that are no longer configured; they are served by the default upstream',
      );
    }
    this.#routed = { generation: g, domains: known };
    this.#cache.clear();
    this.#jsonCache = new WeakMap();
    return this.#routed;
  }

  /** The current desired-config generation. */
  generation(): number {
    return this.#current().generation;
  }

  forNode(node: FleetNode): DesiredConfig {
    const { generation, domains } = this.#current();
    const ns = nodeSettingsFor(node);
    const key = `${ns.id}|${ns.adminListen}|${ns.httpListen}|${ns.httpsListen}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const config = buildCaddyConfig(domains, this.#settings, ns);
    const json = canonicalJson(config, this.#jsonCache);
    const desired: DesiredConfig = {
      generation,
      config,
      json,
      fingerprint: createHash('sha256').update(json).digest('hex'),
    };
    this.#cache.set(key, desired);
    return desired;
  }
}
