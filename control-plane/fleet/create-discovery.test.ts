import { describe, expect, it } from 'vitest';
import { EcsNodeDiscovery } from '../../ecs/ecs-node-discovery.ts';
import { EfsStorageProbe } from '../../ecs/efs-storage-probe.ts';
import { GlobalAcceleratorSync } from '../../ecs/global-accelerator-sync.ts';
import { configSchema } from '../config.ts';
import { silentLogger } from '../log.ts';
import { createFleetAdapters } from './create-discovery.ts';
import { LocalNodeDiscovery } from './local-discovery.ts';
import { StaticNodeDiscovery } from './static-discovery.ts';

const base = { apiTokens: ['t'.repeat(20)] };

describe('createFleetAdapters', () => {
  it('builds ECS discovery, the accelerator sync and the EFS probe from the ecs settings (no AWS call at construction)', async () => {
    const config = configSchema.parse({
      ...base,
      discovery: 'ecs',
      awsRegion: 'eu-west-1',
      ecsCluster: 'edge',
      ecsService: 'caddy',
      gaEndpointGroupArn: 'arn:aws:globalaccelerator::123456789012:accelerator/a/listener/l/endpoint-group/g',
      efsFileSystemId: 'fs-0123abcd',
      efsAccessPointId: 'fsap-0123abcd4567',
    });
    const a = await createFleetAdapters(config, silentLogger(), () => {});
    expect(a.discovery).toBeInstanceOf(EcsNodeDiscovery);
    expect(a.accelerator).toBeInstanceOf(GlobalAcceleratorSync);
    expect(a.storageProbe).toBeInstanceOf(EfsStorageProbe);
  });

  it('leaves the accelerator and EFS out when they are not configured', async () => {
    const config = configSchema.parse({
      ...base,
      discovery: 'ecs',
      awsRegion: 'us-east-1',
      ecsCluster: 'c',
      ecsService: 's',
    });
    const a = await createFleetAdapters(config, silentLogger(), () => {});
    expect(a.accelerator).toBeUndefined();
    expect(a.storageProbe).toBeUndefined();
  });

  it('builds static and local discovery (local on a fixed base port layout)', async () => {
    const s = await createFleetAdapters(
      configSchema.parse({ ...base, discovery: 'static', nodes: [{ id: 'a', admin: 'http://127.0.0.1:2019' }] }),
      silentLogger(),
      () => {},
    );
    expect(s.discovery).toBeInstanceOf(StaticNodeDiscovery);
    expect((await s.discovery.discover()).nodes.map((n) => n.adminUrl)).toEqual(['http://127.0.0.1:2019']);
    const l = await createFleetAdapters(
      configSchema.parse({ ...base, localNodes: 2, localBasePort: 40_000 }),
      silentLogger(),
      () => {},
    );
    expect(l.discovery).toBeInstanceOf(LocalNodeDiscovery);
  });
});
