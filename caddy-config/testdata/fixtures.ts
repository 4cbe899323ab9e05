import type { Hostname, NodeId } from '../../control-plane/types.ts';
import type { BuildSettings, NodeSettings, RoutedDomain } from '../settings.ts';

/** Small, reviewed inputs for the golden and property tests. */
export function testSettings(overrides: Partial<BuildSettings> = {}): BuildSettings {
  return {
    askUrl: 'http://127.0.0.1:8081/ask',
    issuers: [{ module: 'internal' }],
    onDemandRateLimit: { interval: '1m', burst: 100 },
    storageRoot: '/var/lib/caddy-fleet/storage',
    defaultUpstream: { name: 'default', dial: '10.0.0.10:8080', tls: false },
    upstreams: {
      blue: { name: 'blue', dial: '10.0.0.11:8080', tls: false },
      green: { name: 'green', dial: '10.0.0.12:8080', tls: false },
    },
    headers: { customDomain: 'X-Custom-Domain', upstreamId: 'X-Caddy-Fleet-Upstream' },
    persistConfig: true,
    ...overrides,
  };
}

export function testNode(overrides: Partial<NodeSettings> = {}): NodeSettings {
  return {
    id: 'local-0' as NodeId,
    adminListen: '127.0.0.1:2019',
    httpListen: ':80',
    httpsListen: ':443',
    ...overrides,
  };
}

export function routed(hostname: string, upstream: string): RoutedDomain {
  return { hostname: hostname as Hostname, upstream };
}
