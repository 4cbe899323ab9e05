import {
  CfnOutput,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  Fn,
  Stack,
  type StackProps,
  aws_secretsmanager as sm,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Accelerator } from './accelerator.ts';
import { AlbWaf } from './alb-waf.ts';
import { CaddyFleetService } from './caddy-fleet-service.ts';
import { HardenedCapacity } from './capacity.ts';
import { ControlPlane, createControlPlaneNlb, DB_HOST_DIR } from './control-plane.ts';
import { daemonImage } from './daemon-image.ts';
import { ALB_PORT, CONTROL_PLANE_API_PORT, Network } from './network.ts';
import { type CaddyNodeFiles, readCaddyNodeFiles } from './node-files.ts';
import type { DeployParams } from './params.ts';
import { SNAPSHOT_TAG, STORAGE_GID, STORAGE_UID, Storage } from './storage.ts';

/** Props of {@link CaddyFleetStack}. */
export interface CaddyFleetStackProps extends StackProps {
  params: DeployParams;
  /** Repository root: the daemon image's build context and where the node files are read from. */
  repoRoot: string;
  /** Overrides the node files read from `repoRoot` (tests). */
  nodeFiles?: CaddyNodeFiles;
}

/**
 * The whole caddy-fleet deployment: VPC, ECS cluster with two hardened AL2023 capacity groups (Caddy fleet,
 * control plane), Global Accelerator, Caddy as a host-network daemon service, EFS certificate storage,
 * internal ALB + WAF, and the single-writer control plane behind an internal NLB.
 */
export class CaddyFleetStack extends Stack {
  constructor(scope: Construct, id: string, props: CaddyFleetStackProps) {
    super(scope, id, props);
    const { params } = props;
    const nodeFiles = props.nodeFiles ?? readCaddyNodeFiles(props.repoRoot);
    this.templateOptions.metadata = { 'caddy-fleet:bootstrap-source': nodeFiles.bootstrapSource };

    const network = new Network(this, 'Network', { vpcCidr: params.vpcCidr, apiAllowedCidr: params.apiAllowedCidr });
    const { vpc } = network;
    const storage = new Storage(this, 'Storage', { vpc, efsSg: network.efsSg });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.DISABLED });

    const caddyCapacity = new HardenedCapacity(this, 'CaddyCapacity', {
      vpc,
      cluster,
      securityGroup: network.caddySg,
      instanceType: params.caddyInstanceType,
      minCapacity: params.caddyMinInstances,
      maxCapacity: params.caddyMaxInstances,
      role: 'caddy',
    });
    const controlPlaneCapacity = new HardenedCapacity(this, 'ControlPlaneCapacity', {
      vpc,
      cluster,
      securityGroup: network.controlPlaneSg,
      instanceType: params.controlPlaneInstanceType,
      minCapacity: 1,
      maxCapacity: 1,
      role: 'control-plane',
      retainRootVolume: true,
      volumeTags: { [SNAPSHOT_TAG.key]: SNAPSHOT_TAG.value },
      userDataCommands: [`install -d -o ${STORAGE_UID} -g ${STORAGE_GID} -m 0700 ${DB_HOST_DIR}`],
    });

    const secret = (id: string, description: string) =>
      new sm.Secret(this, id, {
        description,
        generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      });
    const nodeToken = secret('NodeToken', 'caddy-fleet: bearer token Caddy nodes present to pull their config');
    const apiTokens = secret('ApiTokens', 'caddy-fleet: comma-separated API bearer tokens (16+ chars each)');

    const accelerator = new Accelerator(this, 'Accelerator');
    const albWaf = new AlbWaf(this, 'AlbWaf', {
      vpc,
      albSg: network.albSg,
      appTarget: params.appTarget,
      rateLimit: params.wafRateLimit,
    });
    const nlb = createControlPlaneNlb(this, vpc, network.nlbSg);
    const controlPlaneUrl = `http://${nlb.loadBalancerDnsName}:${CONTROL_PLANE_API_PORT}`;

    const caddy = new CaddyFleetService(this, 'Caddy', {
      cluster,
      fileSystem: storage.fileSystem,
      accessPoint: storage.accessPoint,
      nodeToken,
      nodeFiles,
      controlPlaneUrl,
      image: params.caddyImage,
      minInstances: params.caddyMinInstances,
      logRetentionDays: params.logRetentionDays,
    });
    caddy.service.node.addDependency(caddyCapacity.capacityProvider);

    const controlPlane = new ControlPlane(this, 'ControlPlane', {
      cluster,
      capacityProvider: controlPlaneCapacity.capacityProvider,
      nlb,
      image: daemonImage(
        props.repoRoot,
        new ec2.InstanceType(params.controlPlaneInstanceType).architecture === ec2.InstanceArchitecture.ARM_64,
      ),
      fileSystem: storage.fileSystem,
      accessPoint: storage.accessPoint,
      apiTokens,
      nodeToken,
      settings: {
        platformDomains: params.platformDomains,
        defaultUpstream: `${albWaf.alb.loadBalancerDnsName}:${ALB_PORT}`,
        caddyServiceName: caddy.service.serviceName,
        endpointGroupArn: accelerator.endpointGroup.endpointGroupArn,
        fileSystemId: storage.fileSystem.fileSystemId,
        accessPointId: storage.accessPoint.accessPointId,
        issuer: params.acmeDirectory,
        acmeEmail: params.acmeEmail,
      },
      logRetentionDays: params.logRetentionDays,
    });

    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('AcceleratorDnsName', accelerator.accelerator.dnsName, 'CNAME target for customers');
    out('AcceleratorIps', Fn.join(',', accelerator.accelerator.ipv4Addresses ?? []), 'static A-record targets');
    out('EndpointGroupArn', accelerator.endpointGroup.endpointGroupArn, 'managed at runtime by the daemon');
    out('ControlPlaneUrl', controlPlaneUrl, 'daemon API (reachable from apiAllowedCidr)');
    out('AlbListenerArn', albWaf.listener.listenerArn, 'attach the platform app here');
    out('AlbDnsName', albWaf.alb.loadBalancerDnsName, 'default upstream of Caddy');
    out('WafAllowlistArn', albWaf.allowlist.attrArn, 'client IPs that bypass the WAF rules');
    out('WafBlocklistArn', albWaf.blocklist.attrArn, 'client IPs the WAF blocks');
    out('ApiTokensSecretArn', apiTokens.secretArn, 'CADDY_FLEET_API_TOKENS');
    out('NodeTokenSecretArn', nodeToken.secretArn, 'CADDY_FLEET_NODE_TOKEN');
    out('FileSystemId', storage.fileSystem.fileSystemId, 'Caddy certificate storage');
    out('ControlPlaneService', controlPlane.service.serviceName, 'the single daemon task');
  }
}
