import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The daemon's configuration: one zod schema, read from `CADDY_FLEET_*` environment variables and
 * optionally a JSON file named by `CADDY_FLEET_CONFIG` (camelCase keys of the schema; the
 * environment wins). This module is the only reader of `process.env`.
 */

const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function isPort(port: string): boolean {
  const n = Number(port);
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** `host:port` with a real port (1–65535); the host is an IP literal or a DNS name. */
export const hostPort = z.string().refine((v) => {
  const m = HOST_PORT.exec(v);
  return m !== null && isPort(m[1]!);
}, 'must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080');

/** A listen address: like {@link hostPort}, and port 0 lets the OS pick a free port. */
const listenAddress = z.string().refine((v) => {
  const m = HOST_PORT.exec(v);
  return m !== null && (m[1] === '0' || isPort(m[1]!));
}, 'must be host:port (port 0 picks a free port), e.g. 127.0.0.1:8080 or [::1]:8080');

/** Where Caddy sends traffic: `host:port` (plain HTTP) or `https://host:port` (TLS to the upstream). */
export interface UpstreamTarget {
  name: string;
  dial: string;
  tls: boolean;
}

export function parseUpstream(name: string, value: string): UpstreamTarget | string {
  const tls = value.startsWith('https://');
  const rest = tls ? value.slice('https://'.length) : value;
  if (!HOST_PORT.test(rest)) return `upstream "${name}" must be host:port or https://host:port, got "${value}"`;
  const m = HOST_PORT.exec(rest)!;
  if (!isPort(m[1]!)) return `upstream "${name}" has an invalid port`;
  return { name, dial: rest, tls };
}

const UPSTREAM_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const upstreamValue = z.string().transform((v, ctx) => {
  const parsed = parseUpstream('default', v);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

const upstreamMap = z.record(z.string(), z.string()).transform((obj, ctx) => {
  const out: Record<string, UpstreamTarget> = {};
  for (const [name, value] of Object.entries(obj)) {
    if (!UPSTREAM_NAME.test(name)) {
      ctx.addIssue({ code: 'custom', message: `upstream name "${name}" must match ${UPSTREAM_NAME}` });
      continue;
    }
    if (name === 'default') {
      ctx.addIssue({ code: 'custom', message: 'upstream name "default" is reserved for CADDY_FLEET_DEFAULT_UPSTREAM' });
      continue;
    }
    const parsed = parseUpstream(name, value);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    else out[name] = parsed;
  }
  return out;
});

/** Go-style duration (`500ms`, `10s`, `5m`, `1h`) or a number of milliseconds → milliseconds. */
export const durationMs = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `must be a duration like 500ms, 10s, 5m, 1h, 1d; got "${v}"` });
    return z.NEVER;
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
});

const csv = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0));

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');

const staticNode = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'node id: letters, digits, . _ - (max 63)'),
  admin: z.url({ protocol: /^https?$/ }),
  http: hostPort.optional(),
  https: hostPort.optional(),
});

const jsonText = <T extends z.ZodType>(schema: T) =>
  z
    .union([z.string(), z.unknown()])
    .transform((v, ctx) => {
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const issuer = z
  .string()
  .refine((v) => v === 'internal' || /^https?:\/\/\S+$/.test(v), 'must be "internal" or an ACME directory URL');

export const configSchema = z
  .object({
    db: z.string().min(1).default('./data/caddy-fleet.db'),
    listen: listenAddress.default('127.0.0.1:8080'),
    askListen: listenAddress.default('127.0.0.1:8081'),
    /** The ask URL Caddy nodes call; derived from askListen when unset. */
    askUrl: z.url({ protocol: /^https?$/ }).optional(),
    apiTokens: csv.pipe(
      z
        .array(z.string().min(16, 'each API token must be at least 16 characters'))
        .min(1, 'at least one API token is required (CADDY_FLEET_API_TOKENS)'),
    ),
    /** Bearer token Caddy nodes present when pulling their config (`GET /caddy/config`). */
    nodeToken: z.string().min(16, 'the node token must be at least 16 characters').optional(),
    platformDomains: csv.default([]),
    defaultUpstream: upstreamValue.default({ name: 'default', dial: '127.0.0.1:9000', tls: false }),
    upstreams: jsonText(upstreamMap).default({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // fleet (reconciler)
    discovery: z.enum(['local', 'static', 'ecs']).default('local'),
    localNodes: z.coerce.number().int().min(0).max(16).default(1),
    /** Local node i listens on base+3i (admin), base+3i+1 (HTTP), base+3i+2 (HTTPS); free ports when unset. */
    localBasePort: z.coerce.number().int().min(1024).max(65_000).optional(),
    nodes: jsonText(z.array(staticNode)).default([]),
    caddyBin: z.string().min(1).default('caddy'),
    /** Directory for the local fleet's per-node state (HOME, logs, configs). */
    localStateDir: z.string().min(1).default('./data/nodes'),
    storageRoot: z.string().min(1).default('./data/caddy-storage'),
    issuer: issuer.default('internal'),
    acmeEmail: z.email().optional(),
    acmeCaRoot: z.string().min(1).optional(),
    /** ACME challenge ports every node's solver uses (pebble-style test fleets); unset in production. */
    acmeHttpPort: z.coerce.number().int().min(1).max(65535).optional(),
    acmeTlsPort: z.coerce.number().int().min(1).max(65535).optional(),
    reconcileInterval: durationMs.default(10_000),
    reconcileDebounce: durationMs.default(250),
    driftMode: z.enum(['repair', 'report']).default('repair'),
    onDemandRateInterval: z
      .string()
      .regex(/^\d+(ms|s|m|h)$/)
      .default('1m'),
    onDemandRateBurst: z.coerce.number().int().min(1).max(100_000).default(100),
    customDomainHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .default('X-Custom-Domain'),
    upstreamIdHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .default('X-Caddy-Fleet-Upstream'),
    caddyAdminPort: z.coerce.number().int().min(1).max(65535).default(2019),

    // AWS (discovery=ecs)
    awsRegion: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like us-east-1')
      .optional(),
    ecsCluster: z.string().min(1).optional(),
    ecsService: z.string().min(1).optional(),
    gaEndpointGroupArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:globalaccelerator::\d{12}:accelerator\/.+\/listener\/.+\/endpoint-group\/.+$/,
        'must be a Global Accelerator endpoint group ARN',
      )
      .optional(),
    gaDrainSeconds: z.coerce.number().int().min(0).max(86_400).default(300),
    gaDryRun: bool.default(false),
    efsFileSystemId: z
      .string()
      .regex(/^fs-[0-9a-f]{8,40}$/, 'must be an EFS file system id like fs-0123abcd')
      .optional(),
    efsAccessPointId: z
      .string()
      .regex(/^fsap-[0-9a-f]{8,40}$/, 'must be an EFS access point id')
      .optional(),
    efsPosixUid: z.coerce.number().int().min(0).optional(),
    efsPosixGid: z.coerce.number().int().min(0).optional(),
    efsRootDirectory: z.string().startsWith('/').optional(),

    // domain verification (issue: DNS checks, ownership tokens, lifecycle)
    verification: z.enum(['none', 'dns', 'txt']).default('none'),
    dnsTarget: z.string().min(1).max(253).optional(),
    staticIps: csv.pipe(z.array(z.union([z.ipv4(), z.ipv6()]))).default([]),
    dnsServers: csv.pipe(z.array(hostPort)).default([]),
    caDomains: csv.default(['letsencrypt.org']),
    dnsTimeout: durationMs.default(2_000),
    verifyInterval: durationMs.default(30_000),
    verifyGiveUp: durationMs.default(7 * 86_400_000),
    movedGrace: durationMs.default(7 * 86_400_000),

    // events, dashboard
    webhookUrls: csv.pipe(z.array(z.url({ protocol: /^https?$/ }))).default([]),
    webhookSecret: z.string().min(16, 'the webhook secret must be at least 16 characters').optional(),
    certExpiryWarnDays: z.coerce.number().int().min(1).max(365).default(21),
    /** Secret for dashboard session cookies; random per start when unset (sessions end at restart). */
    sessionSecret: z.string().min(32, 'the session secret must be at least 32 characters').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.discovery === 'ecs') {
      for (const key of ['awsRegion', 'ecsCluster', 'ecsService'] as const) {
        if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: `required when CADDY_FLEET_DISCOVERY=ecs` });
      }
    }
    if (c.discovery === 'static') {
      const ids = new Set<string>();
      for (const n of c.nodes) {
        if (ids.has(n.id)) ctx.addIssue({ code: 'custom', path: ['nodes'], message: `duplicate node id "${n.id}"` });
        ids.add(n.id);
      }
    }
    if (c.verification === 'dns' && !c.dnsTarget && c.staticIps.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['dnsTarget'],
        message: 'CADDY_FLEET_VERIFICATION=dns needs a CNAME target or static IPs (CADDY_FLEET_STATIC_IPS)',
      });
    }
    if (c.webhookUrls.length > 0 && !c.webhookSecret) {
      ctx.addIssue({
        code: 'custom',
        path: ['webhookSecret'],
        message: 'required when CADDY_FLEET_WEBHOOK_URLS is set (deliveries are signed)',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Environment variable → schema key. The README's configuration table lists these. */
export const ENV_KEYS: Record<string, keyof Config> = {
  CADDY_FLEET_DB: 'db',
  CADDY_FLEET_LISTEN: 'listen',
  CADDY_FLEET_ASK_LISTEN: 'askListen',
  CADDY_FLEET_ASK_URL: 'askUrl',
  CADDY_FLEET_API_TOKENS: 'apiTokens',
  CADDY_FLEET_NODE_TOKEN: 'nodeToken',
  CADDY_FLEET_PLATFORM_DOMAINS: 'platformDomains',
  CADDY_FLEET_DEFAULT_UPSTREAM: 'defaultUpstream',
  CADDY_FLEET_UPSTREAMS: 'upstreams',
  CADDY_FLEET_LOG_LEVEL: 'logLevel',
  CADDY_FLEET_DISCOVERY: 'discovery',
  CADDY_FLEET_LOCAL_NODES: 'localNodes',
  CADDY_FLEET_LOCAL_BASE_PORT: 'localBasePort',
  CADDY_FLEET_NODES: 'nodes',
  CADDY_FLEET_CADDY_BIN: 'caddyBin',
  CADDY_FLEET_LOCAL_STATE_DIR: 'localStateDir',
  CADDY_FLEET_STORAGE_ROOT: 'storageRoot',
  CADDY_FLEET_ISSUER: 'issuer',
  CADDY_FLEET_ACME_EMAIL: 'acmeEmail',
  CADDY_FLEET_ACME_CA_ROOT: 'acmeCaRoot',
  CADDY_FLEET_ACME_HTTP_PORT: 'acmeHttpPort',
  CADDY_FLEET_ACME_TLS_PORT: 'acmeTlsPort',
  CADDY_FLEET_RECONCILE_INTERVAL: 'reconcileInterval',
  CADDY_FLEET_RECONCILE_DEBOUNCE: 'reconcileDebounce',
  CADDY_FLEET_DRIFT_MODE: 'driftMode',
  CADDY_FLEET_ON_DEMAND_RATE_INTERVAL: 'onDemandRateInterval',
  CADDY_FLEET_ON_DEMAND_RATE_BURST: 'onDemandRateBurst',
  CADDY_FLEET_CUSTOM_DOMAIN_HEADER: 'customDomainHeader',
  CADDY_FLEET_UPSTREAM_ID_HEADER: 'upstreamIdHeader',
  CADDY_FLEET_CADDY_ADMIN_PORT: 'caddyAdminPort',
  CADDY_FLEET_AWS_REGION: 'awsRegion',
  CADDY_FLEET_ECS_CLUSTER: 'ecsCluster',
  CADDY_FLEET_ECS_SERVICE: 'ecsService',
  CADDY_FLEET_GA_ENDPOINT_GROUP_ARN: 'gaEndpointGroupArn',
  CADDY_FLEET_GA_DRAIN_SECONDS: 'gaDrainSeconds',
  CADDY_FLEET_GA_DRY_RUN: 'gaDryRun',
  CADDY_FLEET_EFS_FILE_SYSTEM_ID: 'efsFileSystemId',
  CADDY_FLEET_EFS_ACCESS_POINT_ID: 'efsAccessPointId',
  CADDY_FLEET_EFS_POSIX_UID: 'efsPosixUid',
  CADDY_FLEET_EFS_POSIX_GID: 'efsPosixGid',
  CADDY_FLEET_EFS_ROOT_DIRECTORY: 'efsRootDirectory',
  CADDY_FLEET_VERIFICATION: 'verification',
  CADDY_FLEET_DNS_TARGET: 'dnsTarget',
  CADDY_FLEET_STATIC_IPS: 'staticIps',
  CADDY_FLEET_DNS_SERVERS: 'dnsServers',
  CADDY_FLEET_CA_DOMAINS: 'caDomains',
  CADDY_FLEET_DNS_TIMEOUT: 'dnsTimeout',
  CADDY_FLEET_VERIFY_INTERVAL: 'verifyInterval',
  CADDY_FLEET_VERIFY_GIVE_UP: 'verifyGiveUp',
  CADDY_FLEET_MOVED_GRACE: 'movedGrace',
  CADDY_FLEET_WEBHOOK_URLS: 'webhookUrls',
  CADDY_FLEET_WEBHOOK_SECRET: 'webhookSecret',
  CADDY_FLEET_CERT_EXPIRY_WARN_DAYS: 'certExpiryWarnDays',
  CADDY_FLEET_SESSION_SECRET: 'sessionSecret',
};

const KEY_TO_ENV = Object.fromEntries(Object.entries(ENV_KEYS).map(([env, key]) => [key, env])) as Record<
  string,
  string
>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/**
 * Parses the configuration from an environment. Every problem is reported at once, each naming
 * the variable it came from. Unknown `CADDY_FLEET_*` variables are errors too (typos must not pass silently).
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): ConfigResult {
  const errors: string[] = [];
  let raw: Record<string, unknown> = {};
  const file = env.CADDY_FLEET_CONFIG;
  if (file) {
    try {
      const parsed = JSON.parse(readFile(file)) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        errors.push(`CADDY_FLEET_CONFIG (${file}): must contain a JSON object`);
      } else raw = { ...(parsed as Record<string, unknown>) };
    } catch (err) {
      errors.push(`CADDY_FLEET_CONFIG (${file}): ${(err as Error).message}`);
    }
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('CADDY_FLEET_') || name === 'CADDY_FLEET_CONFIG' || value === undefined) continue;
    const key = ENV_KEYS[name];
    if (!key) {
      errors.push(`${name}: unknown setting`);
      continue;
    }
    raw[key] = value;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      const where = KEY_TO_ENV[key] ?? (key || 'config');
      const sub = issue.path.length > 1 ? ` [${issue.path.slice(1).join('.')}]` : '';
      errors.push(`${where}${sub}: ${issue.message}`);
    }
  }
  if (errors.length > 0 || !result.success) return { ok: false, errors };
  return { ok: true, config: result.data };
}

/** The ask URL Caddy nodes call: explicit, or derived from the ask listener (a wildcard becomes loopback). */
export function effectiveAskUrl(config: Pick<Config, 'askUrl' | 'askListen'>): string {
  if (config.askUrl) return config.askUrl;
  const listen = config.askListen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${listen}/ask`;
}
