import type { BuildSettings, Upstream } from './settings.ts';
import type { CaddyReverseProxyHandler } from './types.ts';

/**
 * One `reverse_proxy` handler per upstream, so each keeps its own connection pool, health state and
 * stats. No `trusted_proxies`: Caddy then overwrites any client-sent `X-Forwarded-For` with the TCP
 * peer and sets `X-Forwarded-Proto` itself. `Host` is passed through unchanged (Caddy's default).
 */
export function buildReverseProxy(upstream: Upstream, headers: BuildSettings['headers']): CaddyReverseProxyHandler {
  const handler: CaddyReverseProxyHandler = {
    handler: 'reverse_proxy',
    upstreams: [{ dial: upstream.dial }],
    headers: {
      request: {
        set: {
          [headers.customDomain]: ['{http.request.host}'],
          [headers.upstreamId]: [upstream.name],
        },
      },
    },
  };
  if (upstream.tls) handler.transport = { protocol: 'http', tls: {} };
  return handler;
}
