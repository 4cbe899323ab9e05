import {
  createEc2Client,
  createEcsClient,
  createEfsClient,
  createGlobalAcceleratorClient,
} from '../../ecs/aws-clients.ts';
import { EcsNodeDiscovery } from '../../ecs/ecs-node-discovery.ts';
import { EfsStorageProbe } from '../../ecs/efs-storage-probe.ts';
import { GlobalAcceleratorSync } from '../../ecs/global-accelerator-sync.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { AcceleratorEndpoints } from './accelerator-endpoints.ts';
import { freePorts } from './free-ports.ts';
import { LocalNodeDiscovery, type LocalNodePorts } from './local-discovery.ts';
import type { NodeDiscovery } from './node-discovery.ts';
import { StaticNodeDiscovery } from './static-discovery.ts';
import type { StorageProbe } from './storage-probe.ts';

export interface FleetAdapters {
  discovery: NodeDiscovery;
  accelerator?: AcceleratorEndpoints;
  storageProbe?: StorageProbe;
}

async function localPorts(config: Config): Promise<LocalNodePorts[]> {
  const n = config.localNodes;
  if (config.localBasePort !== undefined) {
    const b = config.localBasePort;
    return Array.from({ length: n }, (_, i) => ({ admin: b + 3 * i, http: b + 3 * i + 1, https: b + 3 * i + 2 }));
  }
  const ports = await freePorts(3 * n);
  return Array.from({ length: n }, (_, i) => ({
    admin: ports[3 * i]!,
    http: ports[3 * i + 1]!,
    https: ports[3 * i + 2]!,
  }));
}

/** Membership source (and, on AWS, the accelerator and storage adapters) chosen by configuration. */
export async function createFleetAdapters(
  config: Config,
  logger: Logger,
  onChange: () => void,
): Promise<FleetAdapters> {
  switch (config.discovery) {
    case 'local':
      return {
        discovery: new LocalNodeDiscovery({
          count: config.localNodes,
          stateDir: config.localStateDir,
          ports: await localPorts(config),
          caddyBin: config.caddyBin,
          logger: logger.child({ component: 'local-fleet' }),
          onChange,
        }),
      };
    case 'static':
      return { discovery: new StaticNodeDiscovery(config.nodes) };
    case 'ecs': {
      const region = config.awsRegion!;
      const adapters: FleetAdapters = {
        discovery: new EcsNodeDiscovery({
          settings: {
            region,
            cluster: config.ecsCluster!,
            service: config.ecsService!,
            adminPort: config.caddyAdminPort,
          },
          ecs: createEcsClient(region),
          ec2: createEc2Client(region),
        }),
      };
      if (config.gaEndpointGroupArn) {
        adapters.accelerator = new GlobalAcceleratorSync(
          { endpointGroupArn: config.gaEndpointGroupArn, drainSeconds: config.gaDrainSeconds, dryRun: config.gaDryRun },
          createGlobalAcceleratorClient(),
        );
      }
      if (config.efsFileSystemId) {
        adapters.storageProbe = new EfsStorageProbe({
          settings: {
            region,
            fileSystemId: config.efsFileSystemId,
            ...(config.efsAccessPointId ? { accessPointId: config.efsAccessPointId } : {}),
            ...(config.efsPosixUid !== undefined ? { posixUid: config.efsPosixUid } : {}),
            ...(config.efsPosixGid !== undefined ? { posixGid: config.efsPosixGid } : {}),
            ...(config.efsRootDirectory ? { rootDirectory: config.efsRootDirectory } : {}),
          },
          client: createEfsClient(region),
        });
      }
      return adapters;
    }
  }
}
