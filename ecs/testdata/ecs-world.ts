import { HttpResponse, http } from 'msw';
import {
  ACCOUNT,
  AMZ_JSON,
  type AwsCall,
  awsJsonError,
  awsJsonFault,
  awsJsonOperation,
  decodeToken,
  ec2Error,
  encodeToken,
  type Faults,
  takeFault,
} from './aws-wire.ts';

/** A small ECS-on-EC2 world served at the HTTP level: ListTasks, DescribeTasks, DescribeContainerInstances, DescribeInstances. */

export interface TaskFixture {
  id: string;
  lastStatus: string;
  desiredStatus?: 'RUNNING' | 'STOPPED';
  /** Container instance id; omit for a task not placed on EC2 capacity. */
  containerInstance?: string;
  stoppedReason?: string;
  service?: string;
}

export interface ContainerInstanceFixture {
  id: string;
  ec2InstanceId: string;
  status: string;
}

export interface InstanceFixture {
  id: string;
  privateIp: string;
  az: string;
  state?: string;
}

export interface EcsWorld {
  region: string;
  cluster: string;
  service: string;
  tasks: TaskFixture[];
  containerInstances: ContainerInstanceFixture[];
  instances: InstanceFixture[];
  /** Page sizes of ListTasks and DescribeInstances (AWS's are 100 and up to 1000). */
  pageSize: number;
  /** Task ids DescribeTasks reports as `MISSING` failures although ListTasks lists them. */
  vanishedTasks: Set<string>;
  faults: Faults;
  calls: AwsCall[];
}

/** A world with the given parts and defaults for the rest. */
export function ecsWorld(parts: Partial<EcsWorld> = {}): EcsWorld {
  return {
    region: 'us-east-1',
    cluster: 'caddy-fleet',
    service: 'caddy',
    tasks: [],
    containerInstances: [],
    instances: [],
    pageSize: 100,
    vanishedTasks: new Set(),
    faults: new Map(),
    calls: [],
    ...parts,
  };
}

export function taskArn(world: EcsWorld, id: string): string {
  return `arn:aws:ecs:${world.region}:${ACCOUNT}:task/${world.cluster}/${id}`;
}

export function containerInstanceArn(world: EcsWorld, id: string): string {
  return `arn:aws:ecs:${world.region}:${ACCOUNT}:container-instance/${world.cluster}/${id}`;
}

function describeTask(world: EcsWorld, t: TaskFixture) {
  const ci = world.containerInstances.find((c) => c.id === t.containerInstance);
  const az = world.instances.find((i) => i.id === ci?.ec2InstanceId)?.az;
  return {
    taskArn: taskArn(world, t.id),
    clusterArn: `arn:aws:ecs:${world.region}:${ACCOUNT}:cluster/${world.cluster}`,
    taskDefinitionArn: `arn:aws:ecs:${world.region}:${ACCOUNT}:task-definition/caddy:7`,
    ...(t.containerInstance ? { containerInstanceArn: containerInstanceArn(world, t.containerInstance) } : {}),
    group: `service:${t.service ?? world.service}`,
    launchType: 'EC2',
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus ?? 'RUNNING',
    ...(az ? { availabilityZone: az } : {}),
    cpu: '512',
    memory: '1024',
    createdAt: 1767225600.123,
    ...(t.lastStatus === 'RUNNING' ? { startedAt: 1767225610.5 } : {}),
    ...(t.stoppedReason ? { stoppedReason: t.stoppedReason, stopCode: 'ServiceSchedulerInitiated' } : {}),
    containers: [{ name: 'caddy', lastStatus: t.lastStatus, image: 'caddy:2.6.2' }],
    version: 3,
  };
}

function ecsHandler(world: EcsWorld) {
  return http.post('https://ecs.:region.amazonaws.com/', async ({ request, params }) => {
    const operation = awsJsonOperation(request);
    const body = (await request.json()) as Record<string, unknown>;
    world.calls.push({ service: 'ecs', operation, region: String(params.region), body });
    const fault = takeFault(world.faults, operation);
    if (fault) return awsJsonFault(fault);
    switch (operation) {
      case 'ListTasks': {
        const desired = (body.desiredStatus as string | undefined) ?? 'RUNNING';
        const all = world.tasks.filter(
          (t) => (t.service ?? world.service) === body.serviceName && (t.desiredStatus ?? 'RUNNING') === desired,
        );
        const start = decodeToken(body.nextToken as string | undefined);
        const end = start + world.pageSize;
        const taskArns = all.slice(start, end).map((t) => taskArn(world, t.id));
        return HttpResponse.json(end < all.length ? { taskArns, nextToken: encodeToken(end) } : { taskArns }, {
          headers: AMZ_JSON,
        });
      }
      case 'DescribeTasks': {
        const arns = body.tasks as string[];
        if (arns.length > 100) return awsJsonError('InvalidParameterException', 'Tasks cannot be longer than 100.');
        const found = arns.map((arn) => world.tasks.find((t) => taskArn(world, t.id) === arn));
        const ok = found.filter((t): t is TaskFixture => t !== undefined && !world.vanishedTasks.has(t.id));
        const failures = arns
          .filter((arn) => !ok.some((t) => taskArn(world, t.id) === arn))
          .map((arn) => ({ arn, reason: 'MISSING' }));
        return HttpResponse.json({ tasks: ok.map((t) => describeTask(world, t)), failures }, { headers: AMZ_JSON });
      }
      case 'DescribeContainerInstances': {
        const arns = body.containerInstances as string[];
        if (arns.length > 100) return awsJsonError('InvalidParameterException', 'Too many container instances.');
        const containerInstances = world.containerInstances
          .filter((c) => arns.includes(containerInstanceArn(world, c.id)))
          .map((c) => ({
            containerInstanceArn: containerInstanceArn(world, c.id),
            ec2InstanceId: c.ec2InstanceId,
            status: c.status,
            agentConnected: true,
            runningTasksCount: 1,
            pendingTasksCount: 0,
            registeredAt: 1767220000,
          }));
        const failures = arns
          .filter((arn) => !containerInstances.some((c) => c.containerInstanceArn === arn))
          .map((arn) => ({ arn, reason: 'MISSING' }));
        return HttpResponse.json({ containerInstances, failures }, { headers: AMZ_JSON });
      }
      default:
        return awsJsonError('InvalidParameterException', `unmocked ECS operation ${operation}`);
    }
  });
}

function instanceXml(i: InstanceFixture): string {
  const state = i.state ?? 'running';
  const code = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 }[state] ?? 16;
  return `<item><reservationId>r-${i.id.slice(2)}</reservationId><ownerId>${ACCOUNT}</ownerId><groupSet/>
  <instancesSet><item>
    <instanceId>${i.id}</instanceId><imageId>ami-0abcdef1234567890</imageId>
    <instanceState><code>${code}</code><name>${state}</name></instanceState>
    <privateDnsName>ip-${i.privateIp.replaceAll('.', '-')}.ec2.internal</privateDnsName>
    <instanceType>t3.small</instanceType><launchTime>2026-01-01T00:00:00.000Z</launchTime>
    <placement><availabilityZone>${i.az}</availabilityZone><tenancy>default</tenancy></placement>
    <subnetId>subnet-0123456789abcdef0</subnetId><vpcId>vpc-0123456789abcdef0</vpcId>
    <privateIpAddress>${i.privateIp}</privateIpAddress>
    <tagSet><item><key>aws:ecs:clusterName</key><value>caddy-fleet</value></item></tagSet>
  </item></instancesSet></item>`;
}

function ec2Handler(world: EcsWorld) {
  return http.post('https://ec2.:region.amazonaws.com/', async ({ request, params }) => {
    const form = new URLSearchParams(await request.text());
    const operation = form.get('Action') ?? '';
    world.calls.push({ service: 'ec2', operation, region: String(params.region), body: Object.fromEntries(form) });
    const fault = takeFault(world.faults, operation);
    if (fault === 'throttle') return ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503);
    if (fault === 'error')
      return ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
    if (operation !== 'DescribeInstances') return ec2Error('InvalidAction', `unmocked EC2 action ${operation}`, 400);
    if (form.get('Filter.1.Name') !== 'instance-id')
      return ec2Error('InvalidParameterValue', 'expected an instance-id filter', 400);
    const ids = [...form.entries()].filter(([k]) => k.startsWith('Filter.1.Value.')).map(([, v]) => v);
    const all = world.instances.filter((i) => ids.includes(i.id));
    const size = Math.min(Number(form.get('MaxResults') ?? 1000), world.pageSize);
    const start = decodeToken(form.get('NextToken'));
    const end = start + size;
    const next = end < all.length ? `<nextToken>${encodeToken(end)}</nextToken>` : '';
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7e6d5c-0000-4000-8000-000000000000</requestId>
  <reservationSet>${all.slice(start, end).map(instanceXml).join('')}</reservationSet>${next}
</DescribeInstancesResponse>`;
    return new HttpResponse(xml, { headers: { 'content-type': 'text/xml;charset=UTF-8' } });
  });
}

/** msw handlers serving `world` for ECS and EC2 in any region. */
export function ecsWorldHandlers(world: EcsWorld) {
  return [ecsHandler(world), ec2Handler(world)];
}

/**
 * `count` running tasks, one per EC2 instance, spread over `azs`: task `t<n>`, container instance
 * `ci<n>`, instance `i-0…<n>` with private IP `10.0.<az>.<n+10>`.
 */
export function runningFleet(world: EcsWorld, count: number, azs = ['us-east-1a', 'us-east-1b']): EcsWorld {
  for (let n = 0; n < count; n++) {
    const id = `i-${n.toString(16).padStart(17, '0')}`;
    const azIndex = n % azs.length;
    world.tasks.push({ id: `t${n}`, lastStatus: 'RUNNING', containerInstance: `ci${n}` });
    world.containerInstances.push({ id: `ci${n}`, ec2InstanceId: id, status: 'ACTIVE' });
    world.instances.push({ id, privateIp: `10.0.${azIndex}.${n + 10}`, az: azs[azIndex]! });
  }
  return world;
}
