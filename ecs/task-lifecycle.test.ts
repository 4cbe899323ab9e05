import { describe, expect, it } from 'vitest';
import { isMoreAlive, nodeLifecycle } from './task-lifecycle.ts';

describe('nodeLifecycle', () => {
  it.each([
    ['RUNNING', 'ACTIVE', 'running', undefined],
    ['PROVISIONING', 'ACTIVE', 'starting', 'task PROVISIONING'],
    ['PENDING', 'ACTIVE', 'starting', 'task PENDING'],
    ['ACTIVATING', 'ACTIVE', 'starting', 'task ACTIVATING'],
    ['DEACTIVATING', 'ACTIVE', 'stopped', 'task DEACTIVATING'],
    ['STOPPING', 'ACTIVE', 'stopped', 'task STOPPING'],
    ['DEPROVISIONING', 'ACTIVE', 'stopped', 'task DEPROVISIONING'],
    ['STOPPED', 'ACTIVE', 'stopped', 'task STOPPED'],
    ['RUNNING', 'DRAINING', 'draining', 'container instance DRAINING'],
    ['PENDING', 'DRAINING', 'draining', 'container instance DRAINING'],
    ['STOPPING', 'DRAINING', 'stopped', 'task STOPPING'],
    ['SOMETHING_NEW', 'ACTIVE', 'starting', 'task status SOMETHING_NEW'],
    [undefined, undefined, 'starting', 'task status UNKNOWN'],
  ] as const)('task %s on a %s instance → %s', (task, instance, lifecycle, detail) => {
    expect(nodeLifecycle(task, instance)).toEqual(detail === undefined ? { lifecycle } : { lifecycle, detail });
  });

  it('includes the stopped reason', () => {
    expect(nodeLifecycle('STOPPING', 'ACTIVE', 'Essential container exited')).toEqual({
      lifecycle: 'stopped',
      detail: 'task STOPPING: Essential container exited',
    });
  });

  it('orders lifecycles running > starting > draining > stopped', () => {
    expect(isMoreAlive('running', 'starting')).toBe(true);
    expect(isMoreAlive('starting', 'draining')).toBe(true);
    expect(isMoreAlive('draining', 'stopped')).toBe(true);
    expect(isMoreAlive('stopped', 'running')).toBe(false);
    expect(isMoreAlive('running', 'running')).toBe(false);
  });
});
