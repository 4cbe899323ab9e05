import {
  aws_ecs as ecs,
  type aws_efs as efs,
  aws_iam as iam,
  aws_logs as logs,
  type aws_secretsmanager as sm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  buildCaddyNodeContainer,
  CADDY_ADMIN_PORT,
  CADDY_CONFIG_DIR,
  CADDY_HTTP_PORT,
  CADDY_HTTPS_PORT,
  CADDY_NODE_ENV,
  CADDY_STORAGE_ROOT,
} from '../../ecs/caddy-task.ts';
import { ROLE_ATTRIBUTE } from './capacity.ts';
import type { CaddyNodeFiles } from './node-files.ts';

/** Name of the Caddy container in the task definition. */
export const CADDY_CONTAINER = 'caddy';
/** Host directory (on the instance's EBS) holding Caddy's `autosave.json`, so `--resume` survives restarts. */
export const CADDY_HOST_CONFIG_DIR = '/var/lib/caddy-node/config';

/** Props of {@link CaddyFleetService}. */
export interface CaddyFleetServiceProps {
  cluster: ecs.ICluster;
  fileSystem: efs.IFileSystem;
  accessPoint: efs.IAccessPoint;
  nodeToken: sm.ISecret;
  nodeFiles: CaddyNodeFiles;
  /** Base URL of the control plane as nodes reach it (`http://<nlb dns>:8080`). */
  controlPlaneUrl: string;
  image: string;
  /** Minimum fleet size: with 2+ instances a deployment replaces half the fleet at a time. */
  minInstances: number;
  logRetentionDays: number;
}

/**
 * The Caddy fleet: one task per Caddy instance (DAEMON scheduling, pinned by instance attribute), host
 * networking on 80/443 with the admin API on `<private-ip>:2019`, the certificate storage on EFS through the
 * access point with IAM authorization and TLS in transit. The container runs `entrypoint.sh`, which reads its
 * identity from IMDSv2 and execs `caddy run --config /tmp/bootstrap.json --resume`.
 */
export class CaddyFleetService extends Construct {
  readonly service: ecs.Ec2Service;
  readonly taskDefinition: ecs.Ec2TaskDefinition;

  constructor(scope: Construct, id: string, props: CaddyFleetServiceProps) {
    super(scope, id);
    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'Task', {
      networkMode: ecs.NetworkMode.HOST,
      volumes: [
        {
          name: 'certificates',
          efsVolumeConfiguration: {
            fileSystemId: props.fileSystem.fileSystemId,
            transitEncryption: 'ENABLED',
            authorizationConfig: { iam: 'ENABLED', accessPointId: props.accessPoint.accessPointId },
          },
        },
        { name: 'caddy-config', host: { sourcePath: CADDY_HOST_CONFIG_DIR } },
      ],
    });
    grantEfsClient(this.taskDefinition.taskRole, props.fileSystem, props.accessPoint);

    const node = buildCaddyNodeContainer({
      entrypointScript: props.nodeFiles.entrypointScript,
      bootstrapJson: props.nodeFiles.bootstrapJson,
      controlPlaneUrl: props.controlPlaneUrl,
      adminPort: CADDY_ADMIN_PORT,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays as logs.RetentionDays });
    const container = this.taskDefinition.addContainer(CADDY_CONTAINER, {
      image: ecs.ContainerImage.fromRegistry(props.image),
      command: node.command,
      environment: node.environment,
      secrets: { [CADDY_NODE_ENV.nodeToken]: ecs.Secret.fromSecretsManager(props.nodeToken) },
      memoryReservationMiB: 512,
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'caddy', logGroup }),
      portMappings: [CADDY_HTTP_PORT, CADDY_HTTPS_PORT, CADDY_ADMIN_PORT].map((p) => ({
        containerPort: p,
        hostPort: p,
      })),
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 1_048_576, hardLimit: 1_048_576 }],
    });
    container.addMountPoints(
      { sourceVolume: 'certificates', containerPath: CADDY_STORAGE_ROOT, readOnly: false },
      { sourceVolume: 'caddy-config', containerPath: CADDY_CONFIG_DIR, readOnly: false },
    );

    this.service = new ecs.Ec2Service(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      daemon: true,
      placementConstraints: [ecs.PlacementConstraint.memberOf(`attribute:${ROLE_ATTRIBUTE} == caddy`)],
      // Host ports: a node's old task must stop before its new one binds 80/443.
      minHealthyPercent: props.minInstances >= 2 ? 50 : 0,
      maxHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
  }
}

/** EFS client permissions through one access point only (mount + write, no root access). */
export function grantEfsClient(role: iam.IRole, fileSystem: efs.IFileSystem, accessPoint: efs.IAccessPoint): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      resources: [fileSystem.fileSystemArn],
      conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': accessPoint.accessPointArn } },
    }),
  );
}
