import { HttpResponse, http } from 'msw';
import {
  ACCOUNT,
  AMZ_JSON,
  type AwsCall,
  awsJsonError,
  awsJsonFault,
  awsJsonOperation,
  type Faults,
  takeFault,
} from './aws-wire.ts';

/** One Global Accelerator endpoint group served at the HTTP level (us-west-2 only, like the real API). */

export interface GaEndpointFixture {
  EndpointId: string;
  Weight: number;
  ClientIPPreservationEnabled: boolean;
  HealthState?: string;
}

export interface GaWorld {
  endpointGroupArn: string;
  endpoints: GaEndpointFixture[];
  faults: Faults;
  calls: AwsCall[];
}

export const ENDPOINT_GROUP_ARN = `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/098765zyxwvu`;

export function gaWorld(endpoints: GaEndpointFixture[] = []): GaWorld {
  return { endpointGroupArn: ENDPOINT_GROUP_ARN, endpoints, faults: new Map(), calls: [] };
}

/** The UpdateEndpointGroup calls seen, with the endpoint configurations each one sent. */
export function updateCalls(world: GaWorld): GaEndpointFixture[][] {
  return world.calls
    .filter((c) => c.operation === 'UpdateEndpointGroup')
    .map((c) => (c.body as { EndpointConfigurations: GaEndpointFixture[] }).EndpointConfigurations);
}

function group(world: GaWorld) {
  return {
    EndpointGroup: {
      EndpointGroupArn: world.endpointGroupArn,
      EndpointGroupRegion: 'us-east-1',
      EndpointDescriptions: world.endpoints.map((e) => ({ HealthState: 'HEALTHY', ...e })),
      TrafficDialPercentage: 100,
      HealthCheckPort: 80,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 30,
      ThresholdCount: 3,
    },
  };
}

/** msw handler: DescribeEndpointGroup returns `world.endpoints`; UpdateEndpointGroup replaces them. */
export function gaWorldHandlers(world: GaWorld) {
  return [
    http.post('https://globalaccelerator.us-west-2.amazonaws.com/', async ({ request }) => {
      const operation = awsJsonOperation(request);
      const body = (await request.json()) as Record<string, unknown>;
      world.calls.push({ service: 'globalaccelerator', operation, region: 'us-west-2', body });
      const fault = takeFault(world.faults, operation);
      if (fault) return awsJsonFault(fault);
      if (body.EndpointGroupArn !== world.endpointGroupArn) {
        return awsJsonError('EndpointGroupNotFoundException', 'The endpoint group does not exist.');
      }
      if (operation === 'DescribeEndpointGroup') return HttpResponse.json(group(world), { headers: AMZ_JSON });
      if (operation === 'UpdateEndpointGroup') {
        const sent = body.EndpointConfigurations as GaEndpointFixture[];
        world.endpoints = sent.map((c) => {
          const existing = world.endpoints.find((e) => e.EndpointId === c.EndpointId);
          return {
            EndpointId: c.EndpointId,
            Weight: c.Weight ?? 128,
            ClientIPPreservationEnabled: c.ClientIPPreservationEnabled ?? false,
            HealthState: existing ? (existing.HealthState ?? 'HEALTHY') : 'INITIAL',
          };
        });
        return HttpResponse.json(group(world), { headers: AMZ_JSON });
      }
      return awsJsonError('InvalidArgumentException', `unmocked GA operation ${operation}`);
    }),
  ];
}
