import { Aws, aws_globalaccelerator as ga } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CADDY_HEALTH_PATH, CADDY_HTTP_PORT, CADDY_HTTPS_PORT } from '../../ecs/caddy-task.ts';

/** Template metadata key on the endpoint group explaining who owns its endpoints. */
export const ENDPOINTS_METADATA_KEY = 'caddy-fleet:endpoints';

/**
 * Global Accelerator in front of the Caddy fleet: two static anycast IPv4 addresses, one TCP listener on 80
 * and 443, one endpoint group in the stack's region with an HTTP health check on `:80/health`.
 *
 * The template declares NO endpoints. The daemon owns the list: it calls `UpdateEndpointGroup` with the EC2
 * instance ids of the in-sync Caddy nodes, each with `ClientIPPreservationEnabled: true` (EC2 endpoints keep
 * the client's source address, which Caddy puts in `X-Forwarded-For` for the WAF). CloudFormation caveat: an
 * update of this EndpointGroup resource may reset the list to the template's empty one; the daemon re-applies
 * it on its next pass, but treat the resource as "don't touch" in later changes.
 */
export class Accelerator extends Construct {
  readonly accelerator: ga.Accelerator;
  readonly endpointGroup: ga.EndpointGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accelerator = new ga.Accelerator(this, 'Accelerator', { ipAddressType: ga.IpAddressType.IPV4 });
    const listener = this.accelerator.addListener('Tcp', {
      protocol: ga.ConnectionProtocol.TCP,
      portRanges: [
        { fromPort: CADDY_HTTP_PORT, toPort: CADDY_HTTP_PORT },
        { fromPort: CADDY_HTTPS_PORT, toPort: CADDY_HTTPS_PORT },
      ],
      clientAffinity: ga.ClientAffinity.NONE,
    });
    this.endpointGroup = listener.addEndpointGroup('Region', {
      region: Aws.REGION,
      healthCheckProtocol: ga.HealthCheckProtocol.HTTP,
      healthCheckPort: CADDY_HTTP_PORT,
      healthCheckPath: CADDY_HEALTH_PATH,
      healthCheckThreshold: 3,
    });
    const cfn = this.endpointGroup.node.defaultChild as ga.CfnEndpointGroup;
    cfn.addMetadata(ENDPOINTS_METADATA_KEY, {
      managedBy: 'caddy-fleet daemon (UpdateEndpointGroup)',
      endpointType: 'EC2 instance',
      clientIpPreservation: true,
    });
  }
}
