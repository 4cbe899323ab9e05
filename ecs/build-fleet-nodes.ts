import type { FleetNode } from '../control-plane/fleet/node-discovery.ts';
import type { NodeId } from '../control-plane/types.ts';
import type { DiscoveryFailure, ServiceSnapshot } from './describe-service.ts';
import { isMoreAlive, nodeLifecycle } from './task-lifecycle.ts';

/** The nodes of one snapshot plus the tasks that could not become nodes. */
export interface BuiltNodes {
  nodes: FleetNode[];
  failures: DiscoveryFailure[];
}

/**
 * Joins tasks → container instances → EC2 instances into one FleetNode per EC2 instance (the node id
 * and GA endpoint id). With host networking an instance runs one Caddy; when a replacement task starts
 * while the old one stops on the same instance, the more alive task describes the node. Pure.
 */
export function buildFleetNodes(snapshot: ServiceSnapshot, adminPort: number): BuiltNodes {
  const failures: DiscoveryFailure[] = [];
  const byInstance = new Map<string, FleetNode>();
  for (const task of snapshot.tasks) {
    const ci = task.containerInstanceArn ? snapshot.containerInstances.get(task.containerInstanceArn) : undefined;
    if (!ci?.ec2InstanceId) continue; // already reported by describeService
    const instance = snapshot.instances.get(ci.ec2InstanceId);
    if (!instance) continue;
    const ip = instance.PrivateIpAddress;
    if (!ip) {
      failures.push({ operation: 'DescribeInstances', arn: ci.ec2InstanceId, reason: 'NO_PRIVATE_IP' });
      continue;
    }
    const verdict = nodeLifecycle(task.lastStatus, ci.status, task.stoppedReason);
    const state = instance.State?.Name;
    if (state && state !== 'running' && state !== 'pending') {
      verdict.lifecycle = 'stopped';
      verdict.detail = `EC2 instance ${state}`;
    }
    const node: FleetNode = {
      id: ci.ec2InstanceId as NodeId,
      adminUrl: `http://${ip}:${adminPort}`,
      adminListen: `${ip}:${adminPort}`,
      httpListen: ':80',
      httpsListen: ':443',
      lifecycle: verdict.lifecycle,
      instanceId: ci.ec2InstanceId,
      privateIp: ip,
      ...(verdict.detail === undefined ? {} : { detail: verdict.detail }),
    };
    const az = instance.Placement?.AvailabilityZone ?? task.availabilityZone;
    if (az) node.availabilityZone = az;
    const seen = byInstance.get(node.id);
    if (!seen || isMoreAlive(node.lifecycle, seen.lifecycle)) byInstance.set(node.id, node);
  }
  const nodes = [...byInstance.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { nodes, failures };
}
