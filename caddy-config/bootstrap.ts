import bootstrap from './bootstrap.json' with { type: 'json' };
import type { CaddyAdmin } from './types.ts';
import { assertSpecificListen } from './validate-listen.ts';

/** The boot config of a new node: only the admin API and an http loader that pulls the full config. */
export interface CaddyBootstrapConfig {
  admin: CaddyAdmin;
}

/** Environment variables `bootstrap.json` reads through `{env.*}` placeholders (all expand in 2.6.2). */
export const BOOTSTRAP_ENV = {
  adminListen: 'CADDY_ADMIN_LISTEN',
  configUrl: 'CADDY_FLEET_CONFIG_URL',
  nodeToken: 'CADDY_FLEET_NODE_TOKEN',
} as const;

export interface BootstrapValues {
  /** Specific `host:port` of the node's admin API. */
  adminListen: string;
  /** The daemon's config URL for this node, including `?node=<id>`. */
  configUrl: string;
  /** Bearer token the daemon expects from this node. */
  nodeToken: string;
}

/**
 * The static `bootstrap.json`. Node-specific values stay `{env.*}` placeholders, so the file can be
 * baked into an image and the token never lands in the autosave file. Caddy's loader retries on its
 * own: with `load_delay` a node whose daemon is down stays up and pulls again after the delay.
 */
export function bootstrapConfig(): CaddyBootstrapConfig {
  return structuredClone(bootstrap) as CaddyBootstrapConfig;
}

/**
 * The environment a node needs to boot from {@link bootstrapConfig}.
 *
 * @example spawn('caddy', ['run', '--config', 'bootstrap.json', '--resume'], { env: { ...base, ...bootstrapEnv(v) } })
 */
export function bootstrapEnv(values: BootstrapValues): Record<string, string> {
  assertSpecificListen(values.adminListen, 'adminListen');
  return {
    [BOOTSTRAP_ENV.adminListen]: values.adminListen,
    [BOOTSTRAP_ENV.configUrl]: values.configUrl,
    [BOOTSTRAP_ENV.nodeToken]: values.nodeToken,
  };
}
