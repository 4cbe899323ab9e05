import type { Hostname, NodeId } from '../control-plane/types.ts';

/** One backend that routed domains are proxied to. */
export interface Upstream {
  /** Stable name; sent to the upstream in the upstream-id header. */
  name: string;
  /** `host:port`. */
  dial: string;
  /** Speak HTTPS to the upstream. */
  tls: boolean;
}

/** How certificates are obtained. The automation policy tries the issuers in order. */
export type IssuerSettings =
  | { module: 'internal' }
  | {
      module: 'acme';
      ca: string;
      email?: string;
      trustedRootsPemFiles?: string[];
      challenges?: { bindHost?: string; httpAlternatePort?: number; tlsAlpnAlternatePort?: number };
    };

/** Fleet-wide settings: the same for every node. */
export interface BuildSettings {
  /** The daemon's ask URL, e.g. `http://127.0.0.1:8081/ask`. */
  askUrl: string;
  issuers: IssuerSettings[];
  /** Always emitted: Caddy 2.6.2 panics when `rate_limit` is removed by a later load. */
  onDemandRateLimit: { interval: string; burst: number };
  storageRoot: string;
  /** Target of the catch-all route; its name is `default`. */
  defaultUpstream: Upstream;
  upstreams: Readonly<Record<string, Upstream>>;
  /** Header names set on every proxied request, e.g. `X-Custom-Domain`, `X-Caddy-Fleet-Upstream`. */
  headers: { customDomain: string; upstreamId: string };
  /** `admin.config.persist`: true in production so `caddy run --resume` restarts with the last good config. */
  persistConfig: boolean;
}

/** Per-node settings. */
export interface NodeSettings {
  id: NodeId;
  /** A specific `host:port`; wildcards (`''`, `:2019`, `0.0.0.0:…`, `[::]:…`) are rejected. */
  adminListen: string;
  /** Defaults to `[adminListen]`. */
  adminOrigins?: string[];
  httpListen: string;
  httpsListen: string;
  /** Port put into HTTP→HTTPS redirects when it is not 443 (local/test fleets). */
  httpsRedirectPort?: number;
}

/** A domain whose traffic goes to a named upstream (a key of `BuildSettings.upstreams`). */
export interface RoutedDomain {
  hostname: Hostname;
  upstream: string;
}
