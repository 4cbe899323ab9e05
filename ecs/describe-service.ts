import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import {
  type ContainerInstance,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  type ECSClient,
  type Failure,
  ListTasksCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { callAws, chunk, MAX_PAGES } from './aws-call.ts';

/** A partial failure inside an otherwise successful round (a task or instance that could not be described). */
export interface DiscoveryFailure {
  operation: string;
  arn?: string;
  reason: string;
  detail?: string;
}

/** Everything one discovery round read, joined by the caller. */
export interface ServiceSnapshot {
  tasks: Task[];
  /** By container instance ARN. */
  containerInstances: Map<string, ContainerInstance>;
  /** By EC2 instance id. */
  instances: Map<string, Instance>;
  failures: DiscoveryFailure[];
}

/** What {@link describeService} needs. */
export interface DescribeServiceInput {
  ecs: ECSClient;
  ec2: EC2Client;
  cluster: string;
  service: string;
  signal?: AbortSignal;
}

const BATCH = 100;

/**
 * Reads one ECS service's tasks, their container instances and EC2 instances. Tasks ECS is still
 * stopping are included (listed under desiredStatus STOPPED) so a leaving node is seen leaving;
 * tasks already STOPPED are not. Throws an `AWS_API_FAILED` UpstreamError when any call fails
 * after the SDK's retries; `failures` entries in responses are collected, not thrown.
 */
export async function describeService(input: DescribeServiceInput): Promise<ServiceSnapshot> {
  const failures: DiscoveryFailure[] = [];
  const running = await listTaskArns(input, 'RUNNING');
  const stopping = await listTaskArns(input, 'STOPPED');
  const described = await describeTasks(input, [...new Set([...running, ...stopping])], failures);
  const tasks = described.filter((t) => !(t.desiredStatus === 'STOPPED' && t.lastStatus === 'STOPPED'));

  const ciArns = new Set<string>();
  for (const task of tasks) {
    if (task.containerInstanceArn) ciArns.add(task.containerInstanceArn);
    else failures.push({ operation: 'DescribeTasks', arn: task.taskArn, reason: 'NO_CONTAINER_INSTANCE' });
  }
  const containerInstances = await describeContainerInstances(input, [...ciArns], failures);

  const instanceIds = new Set<string>();
  for (const ci of containerInstances.values()) {
    if (ci.ec2InstanceId) instanceIds.add(ci.ec2InstanceId);
    else
      failures.push({
        operation: 'DescribeContainerInstances',
        arn: ci.containerInstanceArn,
        reason: 'NO_EC2_INSTANCE',
      });
  }
  const instances = await describeInstances(input, [...instanceIds]);
  for (const id of instanceIds) {
    if (!instances.has(id)) failures.push({ operation: 'DescribeInstances', arn: id, reason: 'MISSING' });
  }
  return { tasks, containerInstances, instances, failures };
}

async function listTaskArns(input: DescribeServiceInput, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await callAws('ECS ListTasks', () =>
      input.ecs.send(
        new ListTasksCommand({ cluster: input.cluster, serviceName: input.service, desiredStatus, nextToken }),
        { abortSignal: input.signal },
      ),
    );
    arns.push(...(out.taskArns ?? []));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  return arns;
}

function collectFailures(operation: string, found: Failure[] | undefined, into: DiscoveryFailure[]): void {
  for (const f of found ?? []) {
    into.push({
      operation,
      reason: f.reason ?? 'UNKNOWN',
      ...(f.arn === undefined ? {} : { arn: f.arn }),
      ...(f.detail === undefined ? {} : { detail: f.detail }),
    });
  }
}

async function describeTasks(input: DescribeServiceInput, arns: string[], failures: DiscoveryFailure[]) {
  const tasks: Task[] = [];
  for (const batch of chunk(arns, BATCH)) {
    const out = await callAws('ECS DescribeTasks', () =>
      input.ecs.send(new DescribeTasksCommand({ cluster: input.cluster, tasks: batch }), { abortSignal: input.signal }),
    );
    tasks.push(...(out.tasks ?? []));
    collectFailures('DescribeTasks', out.failures, failures);
  }
  return tasks;
}

async function describeContainerInstances(input: DescribeServiceInput, arns: string[], failures: DiscoveryFailure[]) {
  const byArn = new Map<string, ContainerInstance>();
  for (const batch of chunk(arns, BATCH)) {
    const out = await callAws('ECS DescribeContainerInstances', () =>
      input.ecs.send(new DescribeContainerInstancesCommand({ cluster: input.cluster, containerInstances: batch }), {
        abortSignal: input.signal,
      }),
    );
    for (const ci of out.containerInstances ?? []) {
      if (ci.containerInstanceArn) byArn.set(ci.containerInstanceArn, ci);
    }
    collectFailures('DescribeContainerInstances', out.failures, failures);
  }
  return byArn;
}

/** By filter, not `InstanceIds`: an id that no longer exists is then simply absent instead of failing the call. */
async function describeInstances(input: DescribeServiceInput, ids: string[]) {
  const byId = new Map<string, Instance>();
  for (const batch of chunk(ids, BATCH)) {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await callAws('EC2 DescribeInstances', () =>
        input.ec2.send(
          new DescribeInstancesCommand({
            Filters: [{ Name: 'instance-id', Values: batch }],
            MaxResults: BATCH,
            NextToken: nextToken,
          }),
          { abortSignal: input.signal },
        ),
      );
      for (const reservation of out.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          if (instance.InstanceId) byId.set(instance.InstanceId, instance);
        }
      }
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
  }
  return byId;
}
