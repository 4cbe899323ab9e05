import type { NodeId } from '../types.ts';
import type { FleetNode, Membership, NodeDiscovery } from './node-discovery.ts';

export interface StaticNodeSpec {
  id: string;
  /** Admin API base URL. */
  admin: string;
  http?: string;
  https?: string;
}

/** A fixed list of nodes from configuration (`CADDY_FLEET_NODES`). */
export class StaticNodeDiscovery implements NodeDiscovery {
  readonly kind = 'static' as const;
  readonly #nodes: FleetNode[];

  constructor(specs: readonly StaticNodeSpec[]) {
    this.#nodes = specs.map((s) => ({
      id: s.id as NodeId,
      adminUrl: s.admin.replace(/\/+$/, ''),
      ...(s.http ? { httpListen: s.http } : {}),
      ...(s.https ? { httpsListen: s.https } : {}),
      lifecycle: 'running',
    }));
  }

  async start(): Promise<void> {}

  async discover(): Promise<Membership> {
    return { nodes: this.#nodes.map((n) => ({ ...n })), observedAt: new Date(), stale: false };
  }

  async stop(): Promise<void> {}
}
