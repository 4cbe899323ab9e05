import { resolve } from 'node:path';
import type { BuildSettings, IssuerSettings } from '../../caddy-config/settings.ts';
import type { Config } from '../config.ts';

/** The fleet-wide Caddy settings from the daemon's config (paths made absolute: Caddy runs elsewhere). */
export function buildSettingsFrom(config: Config, askUrl: string): BuildSettings {
  let issuer: IssuerSettings;
  if (config.issuer === 'internal') issuer = { module: 'internal' };
  else {
    const challenges = {
      ...(config.discovery === 'local' ? { bindHost: '127.0.0.1' } : {}),
      ...(config.acmeHttpPort ? { httpAlternatePort: config.acmeHttpPort } : {}),
      ...(config.acmeTlsPort ? { tlsAlpnAlternatePort: config.acmeTlsPort } : {}),
    };
    issuer = {
      module: 'acme',
      ca: config.issuer,
      ...(config.acmeEmail ? { email: config.acmeEmail } : {}),
      ...(config.acmeCaRoot ? { trustedRootsPemFiles: [resolve(config.acmeCaRoot)] } : {}),
      ...(Object.keys(challenges).length > 0 ? { challenges } : {}),
    };
  }
  return {
    askUrl,
    issuers: [issuer],
    onDemandRateLimit: { interval: config.onDemandRateInterval, burst: config.onDemandRateBurst },
    storageRoot: config.discovery === 'local' ? resolve(config.storageRoot) : config.storageRoot,
    defaultUpstream: config.defaultUpstream,
    upstreams: config.upstreams,
    headers: { customDomain: config.customDomainHeader, upstreamId: config.upstreamIdHeader },
    persistConfig: config.discovery !== 'local',
  };
}
