import { HttpResponse, http } from 'msw';
import { ACCOUNT, type AwsCall, decodeToken, encodeToken, type Faults, restJsonError, takeFault } from './aws-wire.ts';

/** One EFS file system served at the HTTP level (restJson1: real REST paths, plain JSON). */

export interface MountTargetFixture {
  id: string;
  az: string;
  state: string;
}

export interface EfsWorld {
  fileSystemId: string;
  lifeCycleState: string;
  encrypted: boolean;
  mountTargets: MountTargetFixture[];
  accessPoint: { id: string; fileSystemId: string; uid: number; gid: number; path: string; state: string } | undefined;
  /** `undefined` = no backup policy (EFS answers 404 PolicyNotFound). */
  backupStatus: 'ENABLED' | 'ENABLING' | 'DISABLED' | 'DISABLING' | undefined;
  mountTargetPageSize: number;
  faults: Faults;
  calls: AwsCall[];
}

/** A healthy file system in us-east-1a/b with an access point for uid:gid 1000:1000 at `/caddy`. */
export function efsWorld(parts: Partial<EfsWorld> = {}): EfsWorld {
  return {
    fileSystemId: 'fs-0123456789abcdef0',
    lifeCycleState: 'available',
    encrypted: true,
    mountTargets: [
      { id: 'fsmt-0aaaaaaaaaaaaaaaa', az: 'us-east-1a', state: 'available' },
      { id: 'fsmt-0bbbbbbbbbbbbbbbb', az: 'us-east-1b', state: 'available' },
    ],
    accessPoint: {
      id: 'fsap-0123456789abcdef0',
      fileSystemId: 'fs-0123456789abcdef0',
      uid: 1000,
      gid: 1000,
      path: '/caddy',
      state: 'available',
    },
    backupStatus: 'ENABLED',
    mountTargetPageSize: 10,
    faults: new Map(),
    calls: [],
    ...parts,
  };
}

function log(world: EfsWorld, operation: string, request: Request, region: string): 'throttle' | 'error' | undefined {
  world.calls.push({ service: 'efs', operation, region, body: Object.fromEntries(new URL(request.url).searchParams) });
  return takeFault(world.faults, operation);
}

function faultResponse(kind: 'throttle' | 'error') {
  return kind === 'throttle'
    ? restJsonError('ThrottlingException', 'Rate exceeded', 429)
    : restJsonError('AccessDeniedException', 'User is not authorized to perform elasticfilesystem:Describe*', 403);
}

/** msw handlers for DescribeFileSystems, DescribeMountTargets, DescribeAccessPoints, DescribeBackupPolicy. */
export function efsWorldHandlers(world: EfsWorld) {
  const base = 'https://elasticfilesystem.:region.amazonaws.com/2015-02-01';
  return [
    http.get(`${base}/file-systems`, ({ request, params }) => {
      const fault = log(world, 'DescribeFileSystems', request, String(params.region));
      if (fault) return faultResponse(fault);
      const id = new URL(request.url).searchParams.get('FileSystemId');
      if (id !== world.fileSystemId)
        return restJsonError('FileSystemNotFound', `File system '${id}' does not exist.`, 404);
      return HttpResponse.json({
        FileSystems: [
          {
            OwnerId: ACCOUNT,
            CreationToken: 'caddy-fleet-certs',
            FileSystemId: world.fileSystemId,
            FileSystemArn: `arn:aws:elasticfilesystem:us-east-1:${ACCOUNT}:file-system/${world.fileSystemId}`,
            CreationTime: 1767225600,
            LifeCycleState: world.lifeCycleState,
            NumberOfMountTargets: world.mountTargets.length,
            SizeInBytes: { Value: 6144, ValueInStandard: 6144 },
            PerformanceMode: 'generalPurpose',
            ThroughputMode: 'elastic',
            Encrypted: world.encrypted,
            ...(world.encrypted
              ? { KmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }
              : {}),
            Tags: [{ Key: 'Name', Value: 'caddy-certs' }],
          },
        ],
      });
    }),
    http.get(`${base}/mount-targets`, ({ request, params }) => {
      const fault = log(world, 'DescribeMountTargets', request, String(params.region));
      if (fault) return faultResponse(fault);
      const query = new URL(request.url).searchParams;
      const start = decodeToken(query.get('Marker'));
      const end = start + world.mountTargetPageSize;
      const page = world.mountTargets.slice(start, end).map((m, n) => ({
        OwnerId: ACCOUNT,
        MountTargetId: m.id,
        FileSystemId: world.fileSystemId,
        SubnetId: `subnet-0${n}23456789abcdef0`,
        LifeCycleState: m.state,
        IpAddress: `10.0.${start + n}.100`,
        NetworkInterfaceId: `eni-0${n}23456789abcdef0`,
        AvailabilityZoneId: `use1-az${start + n + 1}`,
        AvailabilityZoneName: m.az,
        VpcId: 'vpc-0123456789abcdef0',
      }));
      return HttpResponse.json({
        MountTargets: page,
        ...(end < world.mountTargets.length ? { NextMarker: encodeToken(end) } : {}),
      });
    }),
    http.get(`${base}/access-points`, ({ request, params }) => {
      const fault = log(world, 'DescribeAccessPoints', request, String(params.region));
      if (fault) return faultResponse(fault);
      const id = new URL(request.url).searchParams.get('AccessPointId');
      const ap = world.accessPoint;
      if (!ap || ap.id !== id) return restJsonError('AccessPointNotFound', `Access point '${id}' does not exist.`, 404);
      return HttpResponse.json({
        AccessPoints: [
          {
            ClientToken: 'caddy-ap',
            Name: 'caddy',
            AccessPointId: ap.id,
            AccessPointArn: `arn:aws:elasticfilesystem:us-east-1:${ACCOUNT}:access-point/${ap.id}`,
            FileSystemId: ap.fileSystemId,
            PosixUser: { Uid: ap.uid, Gid: ap.gid },
            RootDirectory: { Path: ap.path, CreationInfo: { OwnerUid: ap.uid, OwnerGid: ap.gid, Permissions: '750' } },
            OwnerId: ACCOUNT,
            LifeCycleState: ap.state,
          },
        ],
      });
    }),
    http.get(`${base}/file-systems/:fileSystemId/backup-policy`, ({ request, params }) => {
      const fault = log(world, 'DescribeBackupPolicy', request, String(params.region));
      if (fault) return faultResponse(fault);
      if (params.fileSystemId !== world.fileSystemId) {
        return restJsonError('FileSystemNotFound', `File system '${params.fileSystemId}' does not exist.`, 404);
      }
      if (world.backupStatus === undefined) {
        return restJsonError('PolicyNotFound', 'None of the backup policies exist for this file system.', 404);
      }
      return HttpResponse.json({ BackupPolicy: { Status: world.backupStatus } });
    }),
  ];
}
