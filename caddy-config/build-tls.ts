import type { BuildSettings, IssuerSettings } from './settings.ts';
import type { CaddyAcmeIssuer, CaddyIssuer, CaddyPkiApp, CaddyTlsApp } from './types.ts';

/**
 * The `tls` app: one on-demand automation policy for every name. Issuance is gated by `ask` and
 * the process-global rate limit; nothing is managed at load time (the HTTPS server disables
 * automatic certificates, which keeps 2.6.2's load time linear).
 */
export function buildTlsApp(settings: BuildSettings): CaddyTlsApp {
  return {
    automation: {
      policies: [{ issuers: settings.issuers.map(buildIssuer), on_demand: true }],
      on_demand: {
        ask: settings.askUrl,
        rate_limit: { interval: settings.onDemandRateLimit.interval, burst: settings.onDemandRateLimit.burst },
      },
    },
  };
}

/** The `pki` app, only when an internal issuer is used: never touch the host's trust store. */
export function buildPkiApp(settings: BuildSettings): CaddyPkiApp | undefined {
  if (!settings.issuers.some((issuer) => issuer.module === 'internal')) return undefined;
  return { certificate_authorities: { local: { install_trust: false } } };
}

function buildIssuer(issuer: IssuerSettings): CaddyIssuer {
  if (issuer.module === 'internal') return { module: 'internal' };
  const acme: CaddyAcmeIssuer = { module: 'acme', ca: issuer.ca };
  if (issuer.email !== undefined) acme.email = issuer.email;
  if (issuer.trustedRootsPemFiles !== undefined && issuer.trustedRootsPemFiles.length > 0) {
    acme.trusted_roots_pem_files = [...issuer.trustedRootsPemFiles];
  }
  const challenges = issuer.challenges;
  if (challenges !== undefined) {
    const out: NonNullable<CaddyAcmeIssuer['challenges']> = {};
    if (challenges.bindHost !== undefined) out.bind_host = challenges.bindHost;
    if (challenges.httpAlternatePort !== undefined) out.http = { alternate_port: challenges.httpAlternatePort };
    if (challenges.tlsAlpnAlternatePort !== undefined) {
      out['tls-alpn'] = { alternate_port: challenges.tlsAlpnAlternatePort };
    }
    if (Object.keys(out).length > 0) acme.challenges = out;
  }
  return acme;
}
