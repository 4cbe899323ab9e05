import { DEFAULT_CADDY_IMAGE } from '../../ecs/caddy-task.ts';

/** Deployment parameters, read from CDK context (`cdk deploy -c key=value` or `cdk.json`). */
export interface DeployParams {
  /** Platform domains (the SaaS's own names), comma-separated in context: `platformDomains`. */
  platformDomains: string[];
  /** Contact e-mail for the ACME account: `acmeEmail`. */
  acmeEmail: string;
  /** ACME directory URL: `acmeDirectory` (Let's Encrypt production by default). */
  acmeDirectory: string;
  /** Caddy node instance type: `caddyInstanceType`. */
  caddyInstanceType: string;
  /** Caddy fleet size bounds (one Caddy task per instance): `caddyMinInstances`, `caddyMaxInstances`. */
  caddyMinInstances: number;
  caddyMaxInstances: number;
  /** Control-plane instance type (a dedicated single instance): `controlPlaneInstanceType`. */
  controlPlaneInstanceType: string;
  /** Where the platform backend calls the API from: `apiAllowedCidr` (never 0.0.0.0/0; default: the VPC). */
  apiAllowedCidr: string;
  /** VPC CIDR: `vpcCidr`. */
  vpcCidr: string;
  /** Optional `ip:port` of the platform app behind the internal ALB: `appTarget`. */
  appTarget: { ip: string; port: number } | undefined;
  /** Caddy container image: `caddyImage`. */
  caddyImage: string;
  /** CloudWatch Logs retention in days: `logRetentionDays`. */
  logRetentionDays: number;
  /** WAF rate limit per client IP (first X-Forwarded-For) per 5 minutes: `wafRateLimit`. */
  wafRateLimit: number;
}

/** Reads one context value; `undefined` when unset. */
export type ContextReader = (key: string) => unknown;

/** Thrown for a parameter the stack cannot be built with. */
export class DeployParamError extends Error {
  override readonly name = 'DeployParamError';
}

const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';
const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function str(read: ContextReader, key: string, fallback: string): string {
  const v = read(key);
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string') throw new DeployParamError(`context ${key} must be a string`);
  return v.trim();
}

function int(read: ContextReader, key: string, fallback: number, min: number, max: number): number {
  const v = read(key);
  const n = v === undefined || v === null || v === '' ? fallback : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DeployParamError(`context ${key} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return n;
}

/** True for an IPv4 CIDR with valid octets and prefix. */
export function isIpv4Cidr(v: string): boolean {
  const m = CIDR4.exec(v);
  if (!m) return false;
  return m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

function cidr(read: ContextReader, key: string, fallback: string, minPrefix: number): string {
  const v = str(read, key, fallback);
  if (!isIpv4Cidr(v)) throw new DeployParamError(`context ${key} must be an IPv4 CIDR, got "${v}"`);
  if (Number(v.split('/')[1]) < minPrefix)
    throw new DeployParamError(`context ${key} must be at least a /${minPrefix}`);
  return v;
}

function appTarget(read: ContextReader): DeployParams['appTarget'] {
  const v = str(read, 'appTarget', '');
  if (v === '') return undefined;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new DeployParamError(`context appTarget must be ip:port, got "${v}"`);
  return { ip: m[1]!, port };
}

/** Retention values CloudWatch Logs accepts. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

function retentionDays(read: ContextReader): number {
  const days = int(read, 'logRetentionDays', 30, 1, 3653);
  if (!RETENTION_DAYS.includes(days))
    throw new DeployParamError(`context logRetentionDays must be one of ${RETENTION_DAYS.join(', ')}`);
  return days;
}

/**
 * Parses and validates every parameter at once.
 *
 * @example readDeployParams((k) => app.node.tryGetContext(k))
 */
export function readDeployParams(read: ContextReader): DeployParams {
  const vpcCidr = cidr(read, 'vpcCidr', '10.40.0.0/16', 16);
  // The API is never open to the internet: a /0 (or anything wider than /8) is refused.
  const apiAllowedCidr = cidr(read, 'apiAllowedCidr', vpcCidr, 8);
  const platformDomains = str(read, 'platformDomains', 'platform.example.com')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d.length > 0);
  const acmeEmail = str(read, 'acmeEmail', 'ops@example.com');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(acmeEmail)) throw new DeployParamError('context acmeEmail must be an e-mail');
  const acmeDirectory = str(read, 'acmeDirectory', LETS_ENCRYPT);
  if (!/^https:\/\/\S+$/.test(acmeDirectory)) throw new DeployParamError('context acmeDirectory must be an https URL');
  const caddyMinInstances = int(read, 'caddyMinInstances', 2, 1, 100);
  const caddyMaxInstances = int(read, 'caddyMaxInstances', Math.max(4, caddyMinInstances), caddyMinInstances, 100);
  return {
    platformDomains,
    acmeEmail,
    acmeDirectory,
    caddyInstanceType: str(read, 'caddyInstanceType', 't3.small'),
    caddyMinInstances,
    caddyMaxInstances,
    controlPlaneInstanceType: str(read, 'controlPlaneInstanceType', 't3.small'),
    apiAllowedCidr,
    vpcCidr,
    appTarget: appTarget(read),
    caddyImage: str(read, 'caddyImage', DEFAULT_CADDY_IMAGE),
    logRetentionDays: retentionDays(read),
    wafRateLimit: int(read, 'wafRateLimit', 2000, 10, 2_000_000_000),
  };
}
