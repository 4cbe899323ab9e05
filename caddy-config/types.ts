/**
 * The subset of Caddy's JSON config that caddy-fleet emits, typed so the builder cannot produce a
 * misspelled key. Field names are Caddy's (snake_case). Shapes are accepted by Caddy 2.6.2 through 2.11.
 */

/** A whole Caddy config document, as POSTed to `/load` and read back from `GET /config/`. */
export interface CaddyConfig {
  admin: CaddyAdmin;
  storage: CaddyStorage;
  apps: CaddyApps;
}

export interface CaddyAdmin {
  /** Always a specific `host:port`: Caddy only checks the Host header on non-wildcard listeners. */
  listen: string;
  origins?: string[];
  config?: CaddyAdminConfig;
}

export interface CaddyAdminConfig {
  /** Autosave to `$XDG_CONFIG_HOME/caddy/autosave.json`, which `caddy run --resume` loads. */
  persist?: boolean;
  load?: CaddyHttpLoader;
  load_delay?: string;
}

/** `caddy.config_loaders.http`: url and header values may use `{env.*}` placeholders. */
export interface CaddyHttpLoader {
  module: 'http';
  url: string;
  method?: string;
  header?: Record<string, string[]>;
  timeout?: string;
}

export interface CaddyStorage {
  module: 'file_system';
  root: string;
}

export interface CaddyApps {
  http: CaddyHttpApp;
  tls: CaddyTlsApp;
  pki?: CaddyPkiApp;
}

export interface CaddyHttpApp {
  servers: Record<string, CaddyServer>;
}

export type CaddyProtocol = 'h1' | 'h2' | 'h2c' | 'h3';

export interface CaddyServer {
  listen: string[];
  routes: CaddyRoute[];
  protocols?: CaddyProtocol[];
  strict_sni_host?: boolean;
  /** `[{}]` turns TLS on for the server with default settings. */
  tls_connection_policies?: Record<string, never>[];
  automatic_https?: CaddyAutomaticHttps;
}

export interface CaddyAutomaticHttps {
  disable?: boolean;
  disable_redirects?: boolean;
  disable_certificates?: boolean;
}

export interface CaddyRoute {
  match?: CaddyMatcherSet[];
  handle: CaddyHandler[];
  terminal?: boolean;
}

export interface CaddyMatcherSet {
  host?: string[];
  path?: string[];
  method?: string[];
}

export type CaddyHandler = CaddyReverseProxyHandler | CaddySubrouteHandler | CaddyStaticResponseHandler;

export interface CaddyReverseProxyHandler {
  handler: 'reverse_proxy';
  upstreams: { dial: string }[];
  transport?: { protocol: 'http'; tls?: Record<string, never> };
  headers?: { request?: CaddyHeaderOps };
}

export interface CaddyHeaderOps {
  set?: Record<string, string[]>;
  delete?: string[];
}

export interface CaddySubrouteHandler {
  handler: 'subroute';
  routes: CaddyRoute[];
}

export interface CaddyStaticResponseHandler {
  handler: 'static_response';
  status_code?: number;
  body?: string;
  headers?: Record<string, string[]>;
}

export interface CaddyTlsApp {
  automation: {
    policies: CaddyAutomationPolicy[];
    on_demand: {
      ask: string;
      rate_limit: { interval: string; burst: number };
    };
  };
}

export interface CaddyAutomationPolicy {
  issuers: CaddyIssuer[];
  on_demand: true;
}

export type CaddyIssuer = CaddyInternalIssuer | CaddyAcmeIssuer;

export interface CaddyInternalIssuer {
  module: 'internal';
}

export interface CaddyAcmeIssuer {
  module: 'acme';
  ca: string;
  email?: string;
  trusted_roots_pem_files?: string[];
  challenges?: {
    bind_host?: string;
    http?: { alternate_port: number };
    'tls-alpn'?: { alternate_port: number };
  };
}

export interface CaddyPkiApp {
  certificate_authorities: Record<string, { install_trust: boolean }>;
}
