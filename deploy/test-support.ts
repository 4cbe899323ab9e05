import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CaddyFleetStack } from './lib/caddy-fleet-stack.ts';
import { readDeployParams } from './lib/params.ts';

/** Repository root (the daemon image's build context). */
export const REPO_ROOT = join(import.meta.dirname, '..');

/** The feature flags of `deploy/cdk.json`, so in-process synths match `cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  return (
    JSON.parse(readFileSync(join(import.meta.dirname, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
  ).context;
}

/** Synthesizes the stack in-process with the given context values (CDK context strings, as from `-c`). */
export function synthTemplate(context: Record<string, string> = {}): Template {
  const app = new App({ context: { ...cdkJsonContext(), ...context } });
  const stack = new CaddyFleetStack(app, 'CaddyFleetTest', {
    params: readDeployParams((key) => app.node.tryGetContext(key)),
    repoRoot: REPO_ROOT,
  });
  return Template.fromStack(stack);
}

/** A CloudFormation resource as found in a template. */
export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/** All resources of a type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The logical id a `{Ref}` or `{Fn::GetAtt: [id, …]}` points at, if any. */
export function refTarget(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt']) && typeof v['Fn::GetAtt'][0] === 'string') return v['Fn::GetAtt'][0];
  }
  return undefined;
}

/** One ingress rule, from a SecurityGroup's inline list or a standalone SecurityGroupIngress. */
export interface IngressRule {
  groupId: string;
  fromPort: number;
  toPort: number;
  protocol: string;
  cidrIp?: string;
  cidrIpv6?: string;
  sourceGroupId?: string;
}

/** Every ingress rule of the template, inline and standalone, with the owning group's logical id. */
export function ingressRules(template: Template): IngressRule[] {
  const rules: IngressRule[] = [];
  const add = (groupId: string, r: Record<string, unknown>) =>
    rules.push({
      groupId,
      fromPort: Number(r.FromPort ?? -1),
      toPort: Number(r.ToPort ?? -1),
      protocol: String(r.IpProtocol),
      cidrIp: r.CidrIp as string | undefined,
      cidrIpv6: r.CidrIpv6 as string | undefined,
      sourceGroupId: refTarget(r.SourceSecurityGroupId),
    });
  for (const [id, sg] of Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup'))) {
    for (const r of (sg.Properties.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? []) add(id, r);
  }
  for (const ing of Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress'))) {
    add(refTarget(ing.Properties.GroupId) ?? '?', ing.Properties ?? {});
  }
  return rules;
}

/** True when a rule covers `port` (protocol -1 covers every port). */
export function coversPort(rule: IngressRule, port: number): boolean {
  return rule.protocol === '-1' || (rule.fromPort <= port && port <= rule.toPort);
}

/** True when a rule admits the whole internet. */
export function isWorldOpen(rule: IngressRule): boolean {
  return rule.cidrIp === '0.0.0.0/0' || rule.cidrIpv6 === '::/0';
}
