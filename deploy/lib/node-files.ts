import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_LISTEN_TOKEN, CADDY_STORAGE_ROOT } from '../../ecs/caddy-task.ts';

/** Files a Caddy node needs, read at synth time and shipped inside the task definition. */
export interface CaddyNodeFiles {
  /** `deploy/caddy-node/entrypoint.sh`. */
  entrypointScript: string;
  /** The bootstrap config, compacted JSON. */
  bootstrapJson: string;
  /** Whether `caddy-config/bootstrap.json` was found or the inline equivalent was used. */
  bootstrapSource: 'file' | 'fallback';
}

/**
 * Equivalent of `caddy-config/bootstrap.json`, used only when that file does not exist: the admin API on
 * the node's private IP, an `http` config loader pulling `/caddy/config?node=<instance-id>` with the node
 * token, `load_delay` so the node stays up while the control plane is down, and the shared storage.
 */
export const FALLBACK_BOOTSTRAP = {
  admin: {
    listen: ADMIN_LISTEN_TOKEN,
    config: {
      persist: true,
      load_delay: '5s',
      load: {
        module: 'http',
        method: 'GET',
        url: '{env.CADDY_FLEET_CONFIG_URL}',
        header: { Authorization: ['Bearer {env.CADDY_FLEET_NODE_TOKEN}'] },
        timeout: '10s',
      },
    },
  },
  storage: { module: 'file_system', root: CADDY_STORAGE_ROOT },
} as const;

/** Reads the entrypoint and the bootstrap config from the repository (synth time only). */
export function readCaddyNodeFiles(repoRoot: string): CaddyNodeFiles {
  const entrypointScript = readFileSync(join(repoRoot, 'deploy/caddy-node/entrypoint.sh'), 'utf8');
  const bootstrapPath = join(repoRoot, 'caddy-config/bootstrap.json');
  if (!existsSync(bootstrapPath)) {
    return { entrypointScript, bootstrapJson: JSON.stringify(FALLBACK_BOOTSTRAP), bootstrapSource: 'fallback' };
  }
  const parsed: unknown = JSON.parse(readFileSync(bootstrapPath, 'utf8'));
  return { entrypointScript, bootstrapJson: JSON.stringify(parsed), bootstrapSource: 'file' };
}
