import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_IMAGE_EXCLUDE } from './lib/daemon-image.ts';
import { FALLBACK_BOOTSTRAP, readCaddyNodeFiles } from './lib/node-files.ts';
import { DeployParamError, readDeployParams } from './lib/params.ts';
import { type CfnResource, REPO_ROOT, resourcesOf, synthTemplate } from './test-support.ts';

type Container = {
  Name: string;
  Command?: string[];
  Environment: { Name: string; Value: unknown }[];
  Secrets?: { Name: string }[];
};

let template: Template;
let variant: Template;
const tmp = mkdtempSync(join(tmpdir(), 'caddy-fleet-deploy-'));
beforeAll(() => {
  template = synthTemplate();
  variant = synthTemplate({
    caddyMinInstances: '1',
    caddyMaxInstances: '1',
    appTarget: '10.40.9.9:3000',
    caddyInstanceType: 't4g.small',
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function container(t: Template, name: string): Container {
  for (const td of Object.values(resourcesOf(t, 'AWS::ECS::TaskDefinition'))) {
    const found = (td.Properties.ContainerDefinitions as Container[]).find((c) => c.Name === name);
    if (found) return found;
  }
  throw new Error(`no container ${name}`);
}

function service(t: Template, strategy: 'DAEMON' | 'REPLICA'): CfnResource {
  return Object.values(resourcesOf(t, 'AWS::ECS::Service')).find((s) => s.Properties.SchedulingStrategy === strategy)!;
}

describe('Caddy service', () => {
  it('runs one task per Caddy instance with host networking', () => {
    const caddy = service(template, 'DAEMON');
    expect(caddy.Properties.PlacementConstraints).toEqual([
      { Type: 'memberOf', Expression: 'attribute:caddy-fleet.role == caddy' },
    ]);
    expect(caddy.Properties.DeploymentConfiguration).toMatchObject({ MaximumPercent: 100, MinimumHealthyPercent: 50 });
    expect(service(variant, 'DAEMON').Properties.DeploymentConfiguration).toMatchObject({ MinimumHealthyPercent: 0 });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      NetworkMode: 'host',
      ContainerDefinitions: [Match.objectLike({ Name: 'caddy', Image: 'public.ecr.aws/docker/library/caddy:2' })],
    });
  });

  it('starts through the entrypoint with the bootstrap config, the control plane URL and the node token secret', () => {
    const caddy = container(template, 'caddy');
    expect(caddy.Command?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(caddy.Command?.[2]).toBe(readFileSync(join(REPO_ROOT, 'deploy/caddy-node/entrypoint.sh'), 'utf8'));
    expect(caddy.Command?.[2]).toContain('exec "$CADDY_BIN" run --config "$BOOTSTRAP" --resume');
    const env = Object.fromEntries(caddy.Environment.map((e) => [e.Name, e.Value]));
    const bootstrap = JSON.parse(String(env.CADDY_BOOTSTRAP_JSON)) as { admin: { config: { load: { url: string } } } };
    expect(bootstrap.admin.config.load.url).toBe('{env.CADDY_FLEET_CONFIG_URL}');
    expect(JSON.stringify(env.CADDY_FLEET_CONTROL_PLANE_URL)).toContain('DNSName');
    expect(env.CADDY_FLEET_CADDY_ADMIN_PORT).toBe('2019');
    expect(caddy.Secrets?.map((s) => s.Name)).toEqual(['CADDY_FLEET_NODE_TOKEN']);
  });
});

describe('control plane', () => {
  it('gets the whole daemon config contract', () => {
    const env = Object.fromEntries(container(template, 'caddy-fleet').Environment.map((e) => [e.Name, e.Value]));
    expect(Object.keys(env).sort()).toEqual(
      [
        'CADDY_FLEET_DB',
        'CADDY_FLEET_LISTEN',
        'CADDY_FLEET_ASK_LISTEN',
        'CADDY_FLEET_ASK_URL',
        'CADDY_FLEET_PLATFORM_DOMAINS',
        'CADDY_FLEET_DEFAULT_UPSTREAM',
        'CADDY_FLEET_DISCOVERY',
        'CADDY_FLEET_AWS_REGION',
        'CADDY_FLEET_ECS_CLUSTER',
        'CADDY_FLEET_ECS_SERVICE',
        'CADDY_FLEET_CADDY_ADMIN_PORT',
        'CADDY_FLEET_GA_ENDPOINT_GROUP_ARN',
        'CADDY_FLEET_EFS_FILE_SYSTEM_ID',
        'CADDY_FLEET_EFS_ACCESS_POINT_ID',
        'CADDY_FLEET_STORAGE_ROOT',
        'CADDY_FLEET_ISSUER',
        'CADDY_FLEET_ACME_EMAIL',
      ].sort(),
    );
    expect(env).toMatchObject({
      CADDY_FLEET_LISTEN: '0.0.0.0:8080',
      CADDY_FLEET_ASK_LISTEN: '0.0.0.0:8081',
      CADDY_FLEET_DISCOVERY: 'ecs',
      CADDY_FLEET_STORAGE_ROOT: '/data/caddy',
      CADDY_FLEET_ISSUER: 'https://acme-v02.api.letsencrypt.org/directory',
    });
    expect(JSON.stringify(env.CADDY_FLEET_ASK_URL)).toContain(':8081/ask');
    expect(JSON.stringify(env.CADDY_FLEET_DEFAULT_UPSTREAM)).toContain(':80');
    const secrets = container(template, 'caddy-fleet')
      .Secrets?.map((s) => s.Name)
      .sort();
    expect(secrets).toEqual(['CADDY_FLEET_API_TOKENS', 'CADDY_FLEET_NODE_TOKEN']);
  });

  it('sits on its own instance whose root volume survives termination and is snapshotted daily', () => {
    expect(service(template, 'REPLICA').Properties.PlacementConstraints).toEqual([
      { Type: 'memberOf', Expression: 'attribute:caddy-fleet.role == control-plane' },
    ]);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', MaxSize: '1' });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ DeleteOnTermination: false }) })],
        TagSpecifications: Match.arrayWith([
          { ResourceType: 'volume', Tags: Match.arrayWith([{ Key: 'caddy-fleet:backup', Value: 'control-plane' }]) },
        ]),
      }),
    });
    template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: Match.objectLike({ TargetTags: [{ Key: 'caddy-fleet:backup', Value: 'control-plane' }] }),
    });
  });

  it('is reached through an internal NLB with health checks on /healthz', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internal',
    });
    template.resourcePropertiesCountIs(
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      { HealthCheckPath: '/healthz', HealthCheckPort: '8080', TargetType: 'instance' },
      2,
    );
  });
});

describe('instance architecture', () => {
  it('uses the arm64 ECS AMI for Graviton instance types', () => {
    const params = variant.toJSON().Parameters as Record<string, { Default?: string }>;
    const amis = Object.values(params)
      .map((p) => p.Default ?? '')
      .filter((d) => d.includes('optimized-ami'))
      .sort();
    expect(amis).toEqual([
      '/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id',
      '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
    ]);
  });
});

describe('network and logs', () => {
  it('spans two AZs without NAT gateways', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    const azs = Object.values(resourcesOf(template, 'AWS::EC2::Subnet')).map((s) =>
      JSON.stringify(s.Properties.AvailabilityZone),
    );
    expect(new Set(azs).size).toBe(2);
  });

  it('keeps every log group for the configured retention', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(2);
    expect(groups.every((g) => typeof g.Properties.RetentionInDays === 'number')).toBe(true);
  });
});

describe('ALB', () => {
  it('answers 503 until the platform attaches targets, or forwards to appTarget', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'fixed-response' })],
    });
    variant.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Targets: [{ Id: '10.40.9.9', Port: 3000 }],
    });
  });
});

describe('parameters', () => {
  const read = (ctx: Record<string, string>) => () => readDeployParams((k) => ctx[k]);

  it('have working defaults', () => {
    const p = readDeployParams(() => undefined);
    expect(p).toMatchObject({ apiAllowedCidr: '10.40.0.0/16', caddyMinInstances: 2, caddyMaxInstances: 4 });
    expect(readDeployParams((k) => ({ platformDomains: 'A.example, b.example' })[k]).platformDomains).toEqual([
      'a.example',
      'b.example',
    ]);
  });

  it('refuse an API CIDR open to the internet and other bad values', () => {
    expect(read({ apiAllowedCidr: '0.0.0.0/0' })).toThrow(DeployParamError);
    expect(read({ apiAllowedCidr: '10.0.0.0' })).toThrow(DeployParamError);
    expect(read({ caddyMinInstances: '3', caddyMaxInstances: '2' })).toThrow(/caddyMaxInstances/);
    expect(read({ acmeEmail: 'nope' })).toThrow(/acmeEmail/);
    expect(read({ logRetentionDays: '31' })).toThrow(/logRetentionDays/);
    expect(read({ appTarget: 'app:80' })).toThrow(/appTarget/);
  });
});

describe('node files and image context', () => {
  it('fall back to an equivalent inline bootstrap when caddy-config/bootstrap.json is missing', () => {
    const files = readCaddyNodeFiles(REPO_ROOT);
    expect(files.bootstrapSource).toBe('file');
    const loaded = JSON.parse(files.bootstrapJson) as typeof FALLBACK_BOOTSTRAP;
    expect(loaded.admin.config.load).toMatchObject(FALLBACK_BOOTSTRAP.admin.config.load);
    const fake = join(tmp, 'repo');
    rmSync(fake, { recursive: true, force: true });
    mkdirSync(join(fake, 'deploy/caddy-node'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'deploy/caddy-node/entrypoint.sh'), join(fake, 'deploy/caddy-node/entrypoint.sh'));
    const fallback = readCaddyNodeFiles(fake);
    expect(fallback.bootstrapSource).toBe('fallback');
    expect(JSON.parse(fallback.bootstrapJson)).toEqual(FALLBACK_BOOTSTRAP);
  });

  it('exclude the same paths from the image context as deploy/Dockerfile.dockerignore', () => {
    const ignore = readFileSync(join(REPO_ROOT, 'deploy/Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignore).toEqual([...DAEMON_IMAGE_EXCLUDE]);
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/cdk.out', 'data', 'test-artifacts', '.git']));
  });
});
