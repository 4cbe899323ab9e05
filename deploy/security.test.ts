import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CfnResource,
  coversPort,
  ingressRules,
  isWorldOpen,
  refTarget,
  resourcesOf,
  synthTemplate,
} from './test-support.ts';

let template: Template;
beforeAll(() => {
  template = synthTemplate();
});

/** Logical id of the security group whose description starts with `prefix`. */
function sgId(prefix: string): string {
  const found = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).filter(([, sg]) =>
    String(sg.Properties.GroupDescription).startsWith(prefix),
  );
  expect(found).toHaveLength(1);
  return found[0]![0];
}

function taskDefinitions(): CfnResource[] {
  return Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition'));
}

describe('instances', () => {
  it('require IMDSv2 with hop limit 1, no SSH key, on the ECS-optimized AL2023 AMI parameter', () => {
    const lts = Object.values(resourcesOf(template, 'AWS::EC2::LaunchTemplate'));
    expect(lts).toHaveLength(2);
    const params = template.toJSON().Parameters as Record<string, { Type: string; Default?: string }>;
    for (const lt of lts) {
      const data = lt.Properties.LaunchTemplateData as Record<string, unknown>;
      expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
      expect(data.KeyName).toBeUndefined();
      const param = params[refTarget(data.ImageId)!]!;
      expect(param.Type).toBe('AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>');
      expect(param.Default).toBe('/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id');
    }
  });

  it('open no port 22 and encrypt their EBS volumes', () => {
    expect(ingressRules(template).filter((r) => coversPort(r, 22))).toEqual([]);
    for (const lt of Object.values(resourcesOf(template, 'AWS::EC2::LaunchTemplate'))) {
      const data = lt.Properties.LaunchTemplateData as { BlockDeviceMappings: { Ebs: { Encrypted: boolean } }[] };
      expect(data.BlockDeviceMappings.every((b) => b.Ebs.Encrypted)).toBe(true);
    }
  });
});

describe('security groups', () => {
  it('never admit the admin port 2019 from 0.0.0.0/0 or ::/0; only the control plane reaches it', () => {
    const admin = ingressRules(template).filter((r) => coversPort(r, 2019));
    expect(admin.filter(isWorldOpen)).toEqual([]);
    expect(admin).toHaveLength(1);
    expect(admin[0]).toMatchObject({ groupId: sgId('Caddy nodes'), sourceGroupId: sgId('caddy-fleet daemon') });
  });

  it('open only 80 and 443 to the world, and only on the Caddy security group (IPv4 and IPv6)', () => {
    const world = ingressRules(template).filter(isWorldOpen);
    const caddy = sgId('Caddy nodes');
    expect(world.every((r) => r.groupId === caddy && r.protocol === 'tcp' && r.fromPort === r.toPort)).toBe(true);
    const seen = world.map((r) => `${r.fromPort}/${r.cidrIp ?? r.cidrIpv6}`).sort();
    expect(seen).toEqual(['443/0.0.0.0/0', '443/::/0', '80/0.0.0.0/0', '80/::/0']);
  });

  it('let only the Caddy security group into the ALB', () => {
    const alb = Object.values(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).find(
      (lb) => lb.Properties.Type === 'application',
    );
    const albSgs = (alb!.Properties.SecurityGroups as unknown[]).map(refTarget);
    expect(albSgs).toEqual([sgId('internal ALB')]);
    const rules = ingressRules(template).filter((r) => r.groupId === albSgs[0]);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((r) => r.sourceGroupId === sgId('Caddy nodes') && !r.cidrIp && !r.cidrIpv6)).toBe(true);
  });

  it('keep the daemon API off the internet: its ports are reached only through the NLB group', () => {
    const cp = sgId('caddy-fleet daemon');
    const rules = ingressRules(template).filter((r) => r.groupId === cp);
    expect(rules.map((r) => [r.fromPort, r.sourceGroupId])).toEqual([
      [8080, sgId('internal NLB')],
      [8081, sgId('internal NLB')],
    ]);
    const nlbCidrs = ingressRules(template).filter((r) => r.groupId === sgId('internal NLB') && r.cidrIp);
    expect(nlbCidrs.map((r) => `${r.cidrIp}:${r.fromPort}`)).toEqual(['10.40.0.0/16:8080']);
  });
});

describe('certificate storage (EFS)', () => {
  it('is encrypted at rest', () => {
    template.hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true });
  });

  it('is mounted by both task definitions with TLS, IAM authorization and the access point', () => {
    const ap = Object.keys(resourcesOf(template, 'AWS::EFS::AccessPoint'));
    expect(ap).toHaveLength(1);
    const efsVolumes = taskDefinitions().flatMap((td) =>
      (td.Properties.Volumes as { EFSVolumeConfiguration?: Record<string, unknown> }[])
        .map((v) => v.EFSVolumeConfiguration)
        .filter((v) => v !== undefined),
    );
    expect(efsVolumes).toHaveLength(2);
    for (const v of efsVolumes) {
      expect(v.TransitEncryption).toBe('ENABLED');
      const auth = v.AuthorizationConfig as { IAM: string; AccessPointId: unknown };
      expect(auth.IAM).toBe('ENABLED');
      expect(refTarget(auth.AccessPointId)).toBe(ap[0]);
    }
  });

  it('has an access point with a POSIX user and its own root directory', () => {
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      PosixUser: { Uid: '1000', Gid: '1000' },
      RootDirectory: Match.objectLike({ Path: '/caddy' }),
    });
  });
});

describe('SQLite', () => {
  it('lives on a host (EBS) volume of the control-plane task, never on EFS', () => {
    const daemon = taskDefinitions().find((td) =>
      (td.Properties.ContainerDefinitions as { Name: string }[]).some((c) => c.Name === 'caddy-fleet'),
    )!;
    const container = (
      daemon.Properties.ContainerDefinitions as {
        Environment: { Name: string; Value: unknown }[];
        MountPoints: { ContainerPath: string; SourceVolume: string }[];
      }[]
    )[0]!;
    const dbPath = String(container.Environment.find((e) => e.Name === 'CADDY_FLEET_DB')?.Value);
    expect(dbPath).toBe('/var/lib/caddy-fleet/caddy-fleet.db');
    const mount = container.MountPoints.find((m) => dbPath.startsWith(`${m.ContainerPath}/`))!;
    const volume = (
      daemon.Properties.Volumes as { Name: string; Host?: unknown; EFSVolumeConfiguration?: unknown }[]
    ).find((v) => v.Name === mount.SourceVolume)!;
    expect(volume.EFSVolumeConfiguration).toBeUndefined();
    expect(volume.Host).toEqual({ SourcePath: '/var/lib/caddy-fleet' });
  });
});

describe('WAF', () => {
  it('matches IP sets on the FIRST X-Forwarded-For address with NO_MATCH fallback', () => {
    const acl = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'))[0]!;
    const rules = acl.Properties.Rules as { Statement: { IPSetReferenceStatement?: Record<string, unknown> } }[];
    const ipRules = rules.filter((r) => r.Statement.IPSetReferenceStatement);
    expect(ipRules.length).toBeGreaterThanOrEqual(1);
    for (const r of ipRules) {
      expect(r.Statement.IPSetReferenceStatement?.IPSetForwardedIPConfig).toEqual({
        HeaderName: 'X-Forwarded-For',
        Position: 'FIRST',
        FallbackBehavior: 'NO_MATCH',
      });
    }
  });

  it('has a rate-based rule keyed on the forwarded client IP and the AWS managed groups', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'FORWARDED_IP' }) },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }),
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
          },
        }),
      ]),
    });
  });

  it('is associated with the internal ALB', () => {
    const albId = Object.entries(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).find(
      ([, lb]) => lb.Properties.Type === 'application',
    )![0];
    const assoc = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACLAssociation'));
    expect(assoc.map((a) => refTarget(a.Properties.ResourceArn))).toEqual([albId]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internal',
    });
  });
});

describe('Global Accelerator', () => {
  it('listens on TCP 80 and 443 and health-checks HTTP :80/health', () => {
    template.hasResourceProperties('AWS::GlobalAccelerator::Listener', {
      Protocol: 'TCP',
      PortRanges: [
        { FromPort: 80, ToPort: 80 },
        { FromPort: 443, ToPort: 443 },
      ],
    });
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', {
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 80,
      HealthCheckPath: '/health',
    });
  });

  it('leaves endpoints to the daemon, which enables client IP preservation (configured and documented)', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::GlobalAccelerator::EndpointGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.Properties.EndpointConfigurations).toBeUndefined();
    expect(groups[0]!.Metadata?.['caddy-fleet:endpoints']).toMatchObject({ clientIpPreservation: true });
    const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    expect(readme).toContain('ClientIPPreservationEnabled');
  });
});

describe('control plane', () => {
  it('runs exactly one task, never two at once', () => {
    const services = Object.values(resourcesOf(template, 'AWS::ECS::Service')).filter(
      (s) => s.Properties.SchedulingStrategy === 'REPLICA',
    );
    expect(services).toHaveLength(1);
    expect(services[0]!.Properties.DesiredCount).toBe(1);
    expect(services[0]!.Properties.DeploymentConfiguration).toMatchObject({
      MaximumPercent: 100,
      MinimumHealthyPercent: 0,
    });
  });
});

describe('IAM', () => {
  type Statement = { Effect: string; Action?: string | string[]; NotAction?: unknown; Sid?: string };
  function statements(): Statement[] {
    const docs: { Statement: Statement[] }[] = [];
    for (const p of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
      docs.push(p.Properties.PolicyDocument as { Statement: Statement[] });
    }
    for (const p of Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy'))) {
      docs.push(p.Properties.PolicyDocument as { Statement: Statement[] });
    }
    for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
      for (const p of (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ??
        []) {
        docs.push(p.PolicyDocument);
      }
    }
    return docs.flatMap((d) => d.Statement);
  }

  it('has no statement whose Action is * or service:*, and no NotAction', () => {
    const all = statements();
    expect(all.length).toBeGreaterThan(10);
    const actions = all.flatMap((s) => [s.Action ?? []].flat());
    expect(actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a))).toEqual([]);
    expect(all.filter((s) => s.NotAction !== undefined)).toEqual([]);
  });

  it('gives the daemon exactly the AWS actions it calls', () => {
    const role = Object.entries(resourcesOf(template, 'AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('ControlPlaneTaskTaskRole'),
    )![1];
    const doc = role.Properties.PolicyDocument as { Statement: Statement[] };
    const actions = doc.Statement.flatMap((s) => [s.Action ?? []].flat()).sort();
    expect(actions).toEqual(
      [
        'ec2:DescribeInstances',
        'ecs:DescribeContainerInstances',
        'ecs:DescribeTasks',
        'ecs:ListTasks',
        'elasticfilesystem:ClientMount',
        'elasticfilesystem:ClientWrite',
        'elasticfilesystem:DescribeAccessPoints',
        'elasticfilesystem:DescribeBackupPolicy',
        'elasticfilesystem:DescribeFileSystems',
        'elasticfilesystem:DescribeMountTargets',
        'globalaccelerator:AddEndpoints',
        'globalaccelerator:DescribeEndpointGroup',
        'globalaccelerator:RemoveEndpoints',
        'globalaccelerator:UpdateEndpointGroup',
      ].sort(),
    );
  });
});
