import {
  Duration,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  type aws_efs as efs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
  Stack,
  type aws_secretsmanager as sm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CADDY_ADMIN_PORT, CADDY_STORAGE_ROOT } from '../../ecs/caddy-task.ts';
import { grantEfsClient } from './caddy-fleet-service.ts';
import { ROLE_ATTRIBUTE } from './capacity.ts';
import { CONTROL_PLANE_API_PORT, CONTROL_PLANE_ASK_PORT } from './network.ts';

/** Host directory (root EBS volume of the control-plane instance) holding the SQLite database. */
export const DB_HOST_DIR = '/var/lib/caddy-fleet';
export const DB_PATH = `${DB_HOST_DIR}/caddy-fleet.db`;
export const CONTROL_PLANE_CONTAINER = 'caddy-fleet';

/**
 * The internal NLB in front of the daemon: its DNS name is the stable name Caddy nodes use for
 * `/caddy/config` and ask. Cross-zone, so either AZ's NLB address reaches the single task.
 */
export function createControlPlaneNlb(scope: Construct, vpc: ec2.IVpc, nlbSg: ec2.ISecurityGroup) {
  return new elbv2.NetworkLoadBalancer(scope, 'ControlPlaneNlb', {
    vpc,
    internetFacing: false,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [nlbSg],
    crossZoneEnabled: true,
  });
}

/** Props of {@link ControlPlane}. */
export interface ControlPlaneProps {
  cluster: ecs.ICluster;
  capacityProvider: ecs.AsgCapacityProvider;
  /** From {@link createControlPlaneNlb}; created first because the Caddy nodes need its DNS name. */
  nlb: elbv2.NetworkLoadBalancer;
  image: ecs.ContainerImage;
  fileSystem: efs.IFileSystem;
  accessPoint: efs.IAccessPoint;
  apiTokens: sm.ISecret;
  nodeToken: sm.ISecret;
  /** Daemon settings that come from other constructs or parameters (see {@link buildDaemonEnvironment}). */
  settings: DaemonSettings;
  logRetentionDays: number;
}

/** The parts of the daemon's environment decided outside this construct. */
export interface DaemonSettings {
  platformDomains: string[];
  defaultUpstream: string;
  caddyServiceName: string;
  endpointGroupArn: string;
  fileSystemId: string;
  accessPointId: string;
  issuer: string;
  acmeEmail: string;
}

/** The daemon's configuration contract (`control-plane/config.ts`), minus the secrets. */
export function buildDaemonEnvironment(
  s: DaemonSettings,
  ctx: { askHost: string; clusterName: string; region: string },
): Record<string, string> {
  return {
    CADDY_FLEET_DB: DB_PATH,
    CADDY_FLEET_LISTEN: `0.0.0.0:${CONTROL_PLANE_API_PORT}`,
    CADDY_FLEET_ASK_LISTEN: `0.0.0.0:${CONTROL_PLANE_ASK_PORT}`,
    CADDY_FLEET_ASK_URL: `http://${ctx.askHost}:${CONTROL_PLANE_ASK_PORT}/ask`,
    CADDY_FLEET_PLATFORM_DOMAINS: s.platformDomains.join(','),
    CADDY_FLEET_DEFAULT_UPSTREAM: s.defaultUpstream,
    CADDY_FLEET_DISCOVERY: 'ecs',
    CADDY_FLEET_AWS_REGION: ctx.region,
    CADDY_FLEET_ECS_CLUSTER: ctx.clusterName,
    CADDY_FLEET_ECS_SERVICE: s.caddyServiceName,
    CADDY_FLEET_CADDY_ADMIN_PORT: String(CADDY_ADMIN_PORT),
    CADDY_FLEET_GA_ENDPOINT_GROUP_ARN: s.endpointGroupArn,
    CADDY_FLEET_EFS_FILE_SYSTEM_ID: s.fileSystemId,
    CADDY_FLEET_EFS_ACCESS_POINT_ID: s.accessPointId,
    CADDY_FLEET_STORAGE_ROOT: CADDY_STORAGE_ROOT,
    CADDY_FLEET_ISSUER: s.issuer,
    CADDY_FLEET_ACME_EMAIL: s.acmeEmail,
  };
}

/**
 * The caddy-fleet daemon: exactly one task (one SQLite writer) on its own instance, host networking on
 * 8080 (API + `/caddy/config`) and 8081 (ask), reached through an internal NLB whose DNS name is the stable
 * name Caddy nodes use (Cloud Map cannot give host-network tasks a plain A record: SRV only). The database
 * is a host directory on the instance's EBS root volume (never EFS); the certificate storage is mounted
 * from EFS for cleanup and metadata. The task role holds exactly the API actions the daemon calls.
 */
export class ControlPlane extends Construct {
  readonly service: ecs.Ec2Service;
  readonly taskDefinition: ecs.Ec2TaskDefinition;
  readonly nlb: elbv2.NetworkLoadBalancer;

  constructor(scope: Construct, id: string, props: ControlPlaneProps) {
    super(scope, id);
    this.nlb = props.nlb;
    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'Task', {
      networkMode: ecs.NetworkMode.HOST,
      volumes: [
        { name: 'db', host: { sourcePath: DB_HOST_DIR } },
        {
          name: 'certificates',
          efsVolumeConfiguration: {
            fileSystemId: props.fileSystem.fileSystemId,
            transitEncryption: 'ENABLED',
            authorizationConfig: { iam: 'ENABLED', accessPointId: props.accessPoint.accessPointId },
          },
        },
      ],
    });
    this.grantDaemonApis(this.taskDefinition.taskRole, props);
    grantEfsClient(this.taskDefinition.taskRole, props.fileSystem, props.accessPoint);

    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays as logs.RetentionDays });
    const container = this.taskDefinition.addContainer(CONTROL_PLANE_CONTAINER, {
      image: props.image,
      memoryReservationMiB: 512,
      essential: true,
      environment: buildDaemonEnvironment(props.settings, {
        askHost: this.nlb.loadBalancerDnsName,
        clusterName: props.cluster.clusterName,
        region: stack.region,
      }),
      secrets: {
        CADDY_FLEET_API_TOKENS: ecs.Secret.fromSecretsManager(props.apiTokens),
        CADDY_FLEET_NODE_TOKEN: ecs.Secret.fromSecretsManager(props.nodeToken),
      },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'daemon', logGroup }),
      portMappings: [CONTROL_PLANE_API_PORT, CONTROL_PLANE_ASK_PORT].map((p) => ({ containerPort: p, hostPort: p })),
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${CONTROL_PLANE_API_PORT}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        startPeriod: Duration.seconds(30),
        retries: 3,
      },
    });
    container.addMountPoints(
      { sourceVolume: 'db', containerPath: DB_HOST_DIR, readOnly: false },
      { sourceVolume: 'certificates', containerPath: CADDY_STORAGE_ROOT, readOnly: false },
    );

    this.service = new ecs.Ec2Service(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      // One writer: never two tasks at once, even during a deployment.
      desiredCount: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      capacityProviderStrategies: [{ capacityProvider: props.capacityProvider.capacityProviderName, weight: 1 }],
      placementConstraints: [ecs.PlacementConstraint.memberOf(`attribute:${ROLE_ATTRIBUTE} == control-plane`)],
    });
    for (const port of [CONTROL_PLANE_API_PORT, CONTROL_PLANE_ASK_PORT]) {
      this.nlb.addListener(`Port${port}`, { port, protocol: elbv2.Protocol.TCP }).addTargets(`Daemon${port}`, {
        port,
        protocol: elbv2.Protocol.TCP,
        targets: [this.service.loadBalancerTarget({ containerName: CONTROL_PLANE_CONTAINER, containerPort: port })],
        preserveClientIp: false,
        deregistrationDelay: Duration.seconds(10),
        healthCheck: {
          protocol: elbv2.Protocol.HTTP,
          port: String(CONTROL_PLANE_API_PORT),
          path: '/healthz',
          interval: Duration.seconds(10),
        },
      });
    }
  }

  /** Exactly the AWS API actions the daemon's adapters call, scoped to this stack's resources where IAM can. */
  private grantDaemonApis(role: iam.IRole, props: ControlPlaneProps): void {
    const stack = Stack.of(this);
    const clusterName = props.cluster.clusterName;
    const ecsArn = (resource: string) =>
      stack.formatArn({ service: 'ecs', resource, resourceName: `${clusterName}/*` });
    const statements = [
      new iam.PolicyStatement({
        sid: 'EcsListTasksInCluster',
        actions: ['ecs:ListTasks'],
        resources: ['*'], // ListTasks has no resource ARN; the condition pins the cluster
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
      new iam.PolicyStatement({
        sid: 'EcsDescribeFleet',
        actions: ['ecs:DescribeTasks', 'ecs:DescribeContainerInstances'],
        resources: [ecsArn('task'), ecsArn('container-instance')],
      }),
      new iam.PolicyStatement({
        sid: 'Ec2DescribeInstances',
        actions: ['ec2:DescribeInstances'],
        resources: ['*'], // Describe* calls in EC2 support no resource-level permissions
      }),
      new iam.PolicyStatement({
        sid: 'AcceleratorEndpoints',
        actions: [
          'globalaccelerator:DescribeEndpointGroup',
          'globalaccelerator:UpdateEndpointGroup',
          'globalaccelerator:AddEndpoints',
          'globalaccelerator:RemoveEndpoints',
        ],
        resources: [props.settings.endpointGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'EfsDescribe',
        actions: [
          'elasticfilesystem:DescribeFileSystems',
          'elasticfilesystem:DescribeMountTargets',
          'elasticfilesystem:DescribeAccessPoints',
          'elasticfilesystem:DescribeBackupPolicy',
        ],
        resources: [props.fileSystem.fileSystemArn, props.accessPoint.accessPointArn],
      }),
    ];
    for (const s of statements) role.addToPrincipalPolicy(s);
  }
}
