import { join } from 'node:path';
import { CaddyProcess } from '../../control-plane/fleet/caddy-process.ts';
import { freePorts } from './free-port.ts';

/** A real Caddy node a test owns (static discovery), so it can kill and restart it. */
export interface TestCaddyNode {
  id: string;
  admin: number;
  http: number;
  https: number;
  process: CaddyProcess;
  /** The `CADDY_FLEET_NODES` entry for it. */
  spec: { id: string; admin: string; http: string; https: string };
  /** A fresh process for the same ports (admin-only config, no `--resume`): a restarted node. */
  replace(): CaddyProcess;
}

/** Starts `count` Caddy processes on free loopback ports with an admin-only config, under `dir/<id>`. */
export async function startCaddyNodes(dir: string, count: number, prefix = 'node'): Promise<TestCaddyNode[]> {
  const ports = await freePorts(3 * count);
  const nodes = Array.from({ length: count }, (_, i) => {
    const [admin, http, https] = [ports[3 * i]!, ports[3 * i + 1]!, ports[3 * i + 2]!];
    const id = `${prefix}-${i}`;
    const make = () =>
      new CaddyProcess({
        id,
        workDir: join(dir, id),
        adminUrl: `http://127.0.0.1:${admin}`,
        config: { admin: { listen: `127.0.0.1:${admin}`, config: { persist: false } } },
      });
    const node: TestCaddyNode = {
      id,
      admin,
      http,
      https,
      process: make(),
      spec: { id, admin: `http://127.0.0.1:${admin}`, http: `127.0.0.1:${http}`, https: `127.0.0.1:${https}` },
      replace() {
        node.process = make();
        return node.process;
      },
    };
    return node;
  });
  await Promise.all(nodes.map((n) => n.process.start()));
  return nodes;
}
