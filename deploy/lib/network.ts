import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CADDY_ADMIN_PORT, CADDY_HTTP_PORT, CADDY_HTTPS_PORT } from '../../ecs/caddy-task.ts';

/** Ports of the control plane: API + node bootstrap, and the ask endpoint. */
export const CONTROL_PLANE_API_PORT = 8080;
export const CONTROL_PLANE_ASK_PORT = 8081;
/** Port of the internal ALB's HTTP listener (Caddy → ALB, plain HTTP inside the VPC). */
export const ALB_PORT = 80;

/** Props of {@link Network}. */
export interface NetworkProps {
  vpcCidr: string;
  /** CIDR the platform backend calls the API from; never 0.0.0.0/0. */
  apiAllowedCidr: string;
}

/**
 * The VPC (2 AZs, public + isolated subnets, no NAT gateway) and every security group with its rules,
 * in one place so the whole exposure can be read at once:
 * - internet → Caddy: 80/443 only (IPv4 and IPv6);
 * - control plane → Caddy admin 2019 (nothing else reaches 2019);
 * - Caddy → NLB 8080/8081, platform CIDR → NLB 8080; NLB → control plane 8080/8081;
 * - Caddy → internal ALB 80 (the ALB accepts nothing else);
 * - Caddy and control plane → EFS 2049.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly caddySg: ec2.SecurityGroup;
  readonly controlPlaneSg: ec2.SecurityGroup;
  readonly nlbSg: ec2.SecurityGroup;
  readonly albSg: ec2.SecurityGroup;
  readonly efsSg: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    // Instances sit in public subnets with public IPv4 addresses for egress (ACME, image pulls, AWS APIs):
    // a NAT gateway or a set of interface endpoints would cost more than the whole fleet (see README).
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'internal', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    const sg = (name: string, description: string, allowAllOutbound = true) =>
      new ec2.SecurityGroup(this, name, { vpc: this.vpc, description, allowAllOutbound });
    this.caddySg = sg('CaddySg', 'Caddy nodes: 80/443 from anywhere, admin API from the control plane only');
    this.controlPlaneSg = sg('ControlPlaneSg', 'caddy-fleet daemon: API and ask through the internal NLB only');
    this.nlbSg = sg('NlbSg', 'internal NLB in front of the caddy-fleet daemon');
    this.albSg = sg('AlbSg', 'internal ALB behind Caddy: only Caddy may connect');
    this.efsSg = sg('EfsSg', 'Caddy certificate storage (NFS)', false);

    for (const port of [CADDY_HTTP_PORT, CADDY_HTTPS_PORT]) {
      this.caddySg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `public ${port}`);
      this.caddySg.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(port), `public ${port} (IPv6)`);
    }
    this.caddySg.addIngressRule(
      this.controlPlaneSg,
      ec2.Port.tcp(CADDY_ADMIN_PORT),
      'admin API from the control plane',
    );

    for (const port of [CONTROL_PLANE_API_PORT, CONTROL_PLANE_ASK_PORT]) {
      this.nlbSg.addIngressRule(this.caddySg, ec2.Port.tcp(port), `Caddy nodes → ${port}`);
      this.controlPlaneSg.addIngressRule(this.nlbSg, ec2.Port.tcp(port), `NLB → ${port}`);
    }
    this.nlbSg.addIngressRule(
      ec2.Peer.ipv4(props.apiAllowedCidr),
      ec2.Port.tcp(CONTROL_PLANE_API_PORT),
      'platform API',
    );

    this.albSg.addIngressRule(this.caddySg, ec2.Port.tcp(ALB_PORT), 'Caddy → ALB');

    this.efsSg.addIngressRule(this.caddySg, ec2.Port.tcp(2049), 'NFS from Caddy');
    this.efsSg.addIngressRule(this.controlPlaneSg, ec2.Port.tcp(2049), 'NFS from the control plane');
  }
}
