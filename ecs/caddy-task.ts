/**
 * The contract of a Caddy node task on ECS: ports, paths, environment variable names and the
 * container command. Plain data (no aws-cdk-lib, no I/O) so the CDK stack, the daemon and the
 * docs share one source of truth.
 */

/** Caddy's admin API port on every node; the daemon reaches it at `<private-ip>:2019`. */
export const CADDY_ADMIN_PORT = 2019;
/** Public ports Caddy binds on the host (host networking). */
export const CADDY_HTTP_PORT = 80;
export const CADDY_HTTPS_PORT = 443;
/** Path Global Accelerator's health check requests on port 80. */
export const CADDY_HEALTH_PATH = '/health';

/** Where the shared certificate storage (EFS access point) is mounted, in Caddy and in the daemon. */
export const CADDY_STORAGE_ROOT = '/data/caddy';
/** Caddy's config directory in the official image (`XDG_CONFIG_HOME`): holds `autosave.json` for `--resume`. */
export const CADDY_CONFIG_DIR = '/config';
/** Where the entrypoint writes the rendered bootstrap config inside the container. */
export const CADDY_BOOTSTRAP_PATH = '/tmp/bootstrap.json';
/** Literal token in the bootstrap JSON that the entrypoint replaces with `<private-ip>:<admin port>`. */
export const ADMIN_LISTEN_TOKEN = '__ADMIN_LISTEN__';

/** Default Caddy image: the official image through ECR Public (no Docker Hub pull limits). */
export const DEFAULT_CADDY_IMAGE = 'public.ecr.aws/docker/library/caddy:2';

/** Environment variable names of the node bootstrap (set by the task definition or the entrypoint). */
export const CADDY_NODE_ENV = {
  /** The bootstrap config JSON (task definition → entrypoint). */
  bootstrapJson: 'CADDY_BOOTSTRAP_JSON',
  /** Base URL of the control plane, e.g. `http://control-plane.internal:8080` (task definition). */
  controlPlaneUrl: 'CADDY_FLEET_CONTROL_PLANE_URL',
  /** Bearer token for `GET /caddy/config` (task definition, from Secrets Manager). */
  nodeToken: 'CADDY_FLEET_NODE_TOKEN',
  /** Admin API port (task definition; default 2019). */
  adminPort: 'CADDY_FLEET_CADDY_ADMIN_PORT',
  /** Full config URL `…/caddy/config?node=<instance-id>` (exported by the entrypoint). */
  configUrl: 'CADDY_FLEET_CONFIG_URL',
  /** `<private-ip>:<admin port>` (exported by the entrypoint). */
  adminListen: 'CADDY_ADMIN_LISTEN',
  /** The EC2 instance id, the node's id (exported by the entrypoint). */
  nodeId: 'CADDY_FLEET_NODE_ID',
  /** Override of the instance metadata base URL (tests only; default `http://169.254.169.254`). */
  imdsUrl: 'CADDY_FLEET_IMDS_URL',
} as const;

/**
 * The URL a node pulls its config from.
 *
 * @example caddyNodeConfigUrl('http://cp.internal:8080/', 'i-0abc') // 'http://cp.internal:8080/caddy/config?node=i-0abc'
 */
export function caddyNodeConfigUrl(controlPlaneUrl: string, nodeId: string): string {
  return `${controlPlaneUrl.replace(/\/+$/, '')}/caddy/config?node=${encodeURIComponent(nodeId)}`;
}

/** The admin listen address of a node: `<private-ip>:<port>` (IPv6 literals bracketed). */
export function caddyAdminListen(privateIp: string, port: number = CADDY_ADMIN_PORT): string {
  return privateIp.includes(':') ? `[${privateIp}]:${port}` : `${privateIp}:${port}`;
}

/** Inputs of {@link buildCaddyNodeContainer}. */
export interface CaddyNodeContainerInput {
  /** The text of `deploy/caddy-node/entrypoint.sh`. */
  entrypointScript: string;
  /** The bootstrap config JSON (`caddy-config/bootstrap.json`). */
  bootstrapJson: string;
  /** Base URL of the control plane API as nodes reach it. */
  controlPlaneUrl: string;
  adminPort?: number;
}

/** Command and plain environment of the Caddy container (secrets are added by the deployment). */
export interface CaddyNodeContainer {
  command: string[];
  environment: Record<string, string>;
}

/**
 * Builds the Caddy node container's command (`sh -c <entrypoint>`, which ends in
 * `exec caddy run --config /tmp/bootstrap.json --resume`) and its non-secret environment.
 */
export function buildCaddyNodeContainer(input: CaddyNodeContainerInput): CaddyNodeContainer {
  return {
    command: ['sh', '-c', input.entrypointScript],
    environment: {
      [CADDY_NODE_ENV.bootstrapJson]: input.bootstrapJson,
      [CADDY_NODE_ENV.controlPlaneUrl]: input.controlPlaneUrl,
      [CADDY_NODE_ENV.adminPort]: String(input.adminPort ?? CADDY_ADMIN_PORT),
    },
  };
}
