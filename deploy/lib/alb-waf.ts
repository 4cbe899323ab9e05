import {
  Duration,
  aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2,
  aws_elasticloadbalancingv2_targets as targets,
  aws_wafv2 as waf,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ALB_PORT } from './network.ts';

/** Props of {@link AlbWaf}. */
export interface AlbWafProps {
  vpc: ec2.IVpc;
  albSg: ec2.ISecurityGroup;
  /** Optional platform app target (`ip:port`); without it the listener answers 503 until targets are attached. */
  appTarget: { ip: string; port: number } | undefined;
  /** Requests per client IP (first X-Forwarded-For address) per 5 minutes. */
  rateLimit: number;
}

/** The client IP as Caddy set it: the FIRST address of X-Forwarded-For (Caddy drops client-sent values). */
const FORWARDED_IP = { headerName: 'X-Forwarded-For', position: 'FIRST', fallbackBehavior: 'NO_MATCH' } as const;

function visibility(metricName: string): waf.CfnWebACL.VisibilityConfigProperty {
  return { metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true };
}

function managedRule(name: string, priority: number, overrides: string[] = []): waf.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ruleActionOverrides: overrides.length
          ? overrides.map((rule) => ({ name: rule, actionToUse: { count: {} } }))
          : undefined,
      },
    },
    visibilityConfig: visibility(name),
  };
}

/**
 * The internal ALB behind Caddy (reachable only from the Caddy security group) and its WAFv2 web ACL:
 * allowlist and blocklist IP sets matched on the first `X-Forwarded-For` address (fallback NO_MATCH), a
 * rate-based rule keyed on the same forwarded address, and the AWS managed Common and KnownBadInputs groups.
 */
export class AlbWaf extends Construct {
  readonly alb: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly webAcl: waf.CfnWebACL;
  readonly allowlist: waf.CfnIPSet;
  readonly blocklist: waf.CfnIPSet;

  constructor(scope: Construct, id: string, props: AlbWafProps) {
    super(scope, id);
    this.alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroup: props.albSg,
      dropInvalidHeaderFields: true,
    });
    const app = props.appTarget
      ? new elbv2.ApplicationTargetGroup(this, 'App', {
          vpc: props.vpc,
          port: props.appTarget.port,
          protocol: elbv2.ApplicationProtocol.HTTP,
          targetType: elbv2.TargetType.IP,
          targets: [new targets.IpTarget(props.appTarget.ip, props.appTarget.port)],
          deregistrationDelay: Duration.seconds(30),
        })
      : undefined;
    // open: false — CDK would otherwise add 0.0.0.0/0 to the ALB security group.
    this.listener = this.alb.addListener('Http', {
      port: ALB_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: app
        ? elbv2.ListenerAction.forward([app])
        : elbv2.ListenerAction.fixedResponse(503, {
            contentType: 'text/plain',
            messageBody: 'no application attached to the caddy-fleet ALB yet',
          }),
    });

    const ipSet = (name: string, description: string) =>
      new waf.CfnIPSet(this, name, { scope: 'REGIONAL', ipAddressVersion: 'IPV4', addresses: [], description });
    this.allowlist = ipSet('Allowlist', 'caddy-fleet: client IPs that bypass the other rules');
    this.blocklist = ipSet('Blocklist', 'caddy-fleet: client IPs that are always blocked');

    this.webAcl = new waf.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('caddy-fleet'),
      rules: [
        {
          name: 'allowlist',
          priority: 0,
          action: { allow: {} },
          statement: {
            ipSetReferenceStatement: { arn: this.allowlist.attrArn, ipSetForwardedIpConfig: FORWARDED_IP },
          },
          visibilityConfig: visibility('allowlist'),
        },
        {
          name: 'blocklist',
          priority: 1,
          action: { block: {} },
          statement: {
            ipSetReferenceStatement: { arn: this.blocklist.attrArn, ipSetForwardedIpConfig: FORWARDED_IP },
          },
          visibilityConfig: visibility('blocklist'),
        },
        {
          name: 'rate-per-client-ip',
          priority: 2,
          action: { block: {} },
          statement: {
            // Keyed on the forwarded client address: keying on the source IP would throttle the Caddy nodes.
            rateBasedStatement: {
              limit: props.rateLimit,
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: FORWARDED_IP.headerName, fallbackBehavior: 'NO_MATCH' },
            },
          },
          visibilityConfig: visibility('rate-per-client-ip'),
        },
        // SizeRestrictions_BODY (8 KB) only counts: platforms accept uploads.
        managedRule('AWSManagedRulesCommonRuleSet', 3, ['SizeRestrictions_BODY']),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 4),
      ],
    });
    new waf.CfnWebACLAssociation(this, 'Association', {
      resourceArn: this.alb.loadBalancerArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
