import { buildReverseProxy } from './build-proxy.ts';
import type { BuildSettings, NodeSettings } from './settings.ts';
import type { CaddyHttpApp, CaddyRoute, CaddyServer } from './types.ts';

/**
 * The `http` app: a plain-HTTP server (health + redirects) and the HTTPS edge server.
 * `hostRoutes` (from `buildHostRoutes`) is node-independent and may be shared between nodes' configs.
 */
export function buildHttpApp(
  hostRoutes: readonly CaddyRoute[],
  settings: BuildSettings,
  node: NodeSettings,
): CaddyHttpApp {
  return { servers: { http: buildPlainServer(node), https: buildEdgeServer(hostRoutes, settings, node) } };
}

/**
 * Port 80: `GET /health` answers `ok`; everything else is a 308 to HTTPS. ACME HTTP-01 challenges
 * still work because Caddy answers them before any route runs. Automatic HTTPS is off for this server.
 */
function buildPlainServer(node: NodeSettings): CaddyServer {
  const port =
    node.httpsRedirectPort !== undefined && node.httpsRedirectPort !== 443 ? `:${node.httpsRedirectPort}` : '';
  return {
    listen: [node.httpListen],
    automatic_https: { disable: true },
    routes: [
      {
        match: [{ method: ['GET', 'HEAD'], path: ['/health'] }],
        handle: [{ handler: 'static_response', status_code: 200, body: 'ok' }],
        terminal: true,
      },
      {
        handle: [
          {
            handler: 'static_response',
            status_code: 308,
            headers: { Location: [`https://{http.request.host}${port}{http.request.uri}`] },
          },
        ],
      },
    ],
  };
}

/**
 * Port 443: host routing for named upstreams, then a catch-all to the default upstream, so a domain
 * on the default upstream needs no reload. `strict_sni_host` answers 421 when Host differs from SNI.
 * Automatic certificates and redirects are off (issuance is on-demand; the HTTP server redirects).
 * HTTP/3 is off: only TCP listeners are opened.
 */
function buildEdgeServer(hostRoutes: readonly CaddyRoute[], settings: BuildSettings, node: NodeSettings): CaddyServer {
  return {
    listen: [node.httpsListen],
    protocols: ['h1', 'h2'],
    strict_sni_host: true,
    tls_connection_policies: [{}],
    automatic_https: { disable_certificates: true, disable_redirects: true },
    routes: [
      ...hostRoutes,
      { handle: [buildReverseProxy(settings.defaultUpstream, settings.headers)], terminal: true },
    ],
  };
}
