import { aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** ECS container-instance attribute that pins each service to its own instances. */
export const ROLE_ATTRIBUTE = 'caddy-fleet.role';

/** Props of {@link HardenedCapacity}. */
export interface HardenedCapacityProps {
  vpc: ec2.IVpc;
  cluster: ecs.Cluster;
  securityGroup: ec2.ISecurityGroup;
  instanceType: string;
  minCapacity: number;
  maxCapacity: number;
  /** Value of the {@link ROLE_ATTRIBUTE} instance attribute (`caddy` or `control-plane`). */
  role: string;
  /** Keep the root EBS volume when the instance terminates (the control plane's SQLite lives there). */
  retainRootVolume?: boolean;
  /** Extra tags on the instances and their volumes. */
  volumeTags?: Record<string, string>;
  /** Extra user-data commands, run before the ECS agent starts. */
  userDataCommands?: string[];
}

/**
 * An Auto Scaling group of ECS-optimized Amazon Linux 2023 instances registered as a capacity provider.
 * AL2023, not Bottlerocket: Bottlerocket cannot mount IAM-authorized EFS. The launch template requires
 * IMDSv2 with hop limit 1 (only host-network tasks reach it), has no SSH key (SSM Session Manager is the way
 * in) and the security group has no port 22. Managed scaling is off: the Caddy service is a DAEMON, which the
 * capacity provider's scaling ignores, so the group's size is the fleet size.
 */
export class HardenedCapacity extends Construct {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly capacityProvider: ecs.AsgCapacityProvider;

  constructor(scope: Construct, id: string, props: HardenedCapacityProps) {
    super(scope, id);
    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      `echo 'ECS_INSTANCE_ATTRIBUTES={"${ROLE_ATTRIBUTE}":"${props.role}"}' >> /etc/ecs/ecs.config`,
      'echo ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true >> /etc/ecs/ecs.config',
      ...(props.userDataCommands ?? []),
    );
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    const instanceType = new ec2.InstanceType(props.instanceType);
    const hardware =
      instanceType.architecture === ec2.InstanceArchitecture.ARM_64
        ? ecs.AmiHardwareType.ARM
        : ecs.AmiHardwareType.STANDARD;
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(hardware),
      instanceType,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      userData,
      role,
      securityGroup: props.securityGroup,
      associatePublicIpAddress: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(30, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: !props.retainRootVolume,
          }),
        },
      ],
    });
    for (const [key, value] of Object.entries(props.volumeTags ?? {})) Tags.of(launchTemplate).add(key, value);
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      launchTemplate,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
    });
    this.capacityProvider = new ecs.AsgCapacityProvider(this, 'Provider', {
      autoScalingGroup: this.autoScalingGroup,
      enableManagedScaling: false,
      enableManagedTerminationProtection: false,
    });
    props.cluster.addAsgCapacityProvider(this.capacityProvider);
  }
}
