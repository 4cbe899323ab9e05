import { aws_dlm as dlm, aws_ec2 as ec2, aws_efs as efs, aws_iam as iam, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** POSIX identity every client of the certificate storage acts as (the daemon image's `node` user). */
export const STORAGE_UID = '1000';
export const STORAGE_GID = '1000';
/** Tag that puts an EBS volume under the daily snapshot policy. */
export const SNAPSHOT_TAG = { key: 'caddy-fleet:backup', value: 'control-plane' } as const;

/** Props of {@link Storage}. */
export interface StorageProps {
  vpc: ec2.IVpc;
  efsSg: ec2.ISecurityGroup;
}

/**
 * Where data lives.
 * - Caddy's certificate storage: an encrypted EFS file system (mount targets in the isolated subnets of both
 *   AZs, automatic AWS Backup, retained on stack deletion: certificates are slow and rate-limited to re-issue)
 *   and one access point (`/caddy`, POSIX 1000:1000) that Caddy and the daemon mount with IAM + TLS.
 * - The daemon's SQLite database is NOT here: it is on the control-plane instance's EBS volume
 *   (WAL needs shared memory, which NFS cannot give). This construct only snapshots that volume daily.
 */
export class Storage extends Construct {
  readonly fileSystem: efs.FileSystem;
  readonly accessPoint: efs.AccessPoint;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    this.fileSystem = new efs.FileSystem(this, 'Certificates', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroup: props.efsSg,
      encrypted: true,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      throughputMode: efs.ThroughputMode.ELASTIC,
      enableAutomaticBackups: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Refuse any client that does not use TLS (the task volumes all set transit encryption).
    this.fileSystem.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [
          'elasticfilesystem:ClientMount',
          'elasticfilesystem:ClientWrite',
          'elasticfilesystem:ClientRootAccess',
        ],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    this.accessPoint = this.fileSystem.addAccessPoint('CaddyStorage', {
      path: '/caddy',
      posixUser: { uid: STORAGE_UID, gid: STORAGE_GID },
      createAcl: { ownerUid: STORAGE_UID, ownerGid: STORAGE_GID, permissions: '750' },
    });

    const dlmRole = new iam.Role(this, 'SnapshotRole', {
      assumedBy: new iam.ServicePrincipal('dlm.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSDataLifecycleManagerServiceRole')],
    });
    new dlm.CfnLifecyclePolicy(this, 'ControlPlaneSnapshots', {
      description: 'caddy-fleet daily snapshots of the control-plane volume',
      state: 'ENABLED',
      executionRoleArn: dlmRole.roleArn,
      policyDetails: {
        policyType: 'EBS_SNAPSHOT_MANAGEMENT',
        resourceTypes: ['VOLUME'],
        targetTags: [{ key: SNAPSHOT_TAG.key, value: SNAPSHOT_TAG.value }],
        schedules: [
          {
            name: 'daily',
            createRule: { interval: 24, intervalUnit: 'HOURS', times: ['03:00'] },
            retainRule: { count: 14 },
            copyTags: true,
          },
        ],
      },
    });
  }
}
