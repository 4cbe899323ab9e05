import { describe, expect, it } from 'vitest';
import {
  buildCaddyNodeContainer,
  CADDY_ADMIN_PORT,
  CADDY_NODE_ENV,
  caddyAdminListen,
  caddyNodeConfigUrl,
} from './caddy-task.ts';

describe('caddy task contract', () => {
  it('builds the node config URL from the control plane base URL', () => {
    expect(caddyNodeConfigUrl('http://cp.internal:8080/', 'i-0abc')).toBe(
      'http://cp.internal:8080/caddy/config?node=i-0abc',
    );
    expect(caddyNodeConfigUrl('http://cp:8080', 'a b')).toBe('http://cp:8080/caddy/config?node=a%20b');
  });

  it('renders admin listen addresses, bracketing IPv6', () => {
    expect(caddyAdminListen('10.0.1.7')).toBe('10.0.1.7:2019');
    expect(caddyAdminListen('fd00::7', 3019)).toBe('[fd00::7]:3019');
  });

  it('starts the node through sh -c with the bootstrap and control plane in the environment', () => {
    const c = buildCaddyNodeContainer({
      entrypointScript: 'exec caddy',
      bootstrapJson: '{}',
      controlPlaneUrl: 'http://cp',
    });
    expect(c.command).toEqual(['sh', '-c', 'exec caddy']);
    expect(c.environment).toEqual({
      [CADDY_NODE_ENV.bootstrapJson]: '{}',
      [CADDY_NODE_ENV.controlPlaneUrl]: 'http://cp',
      [CADDY_NODE_ENV.adminPort]: String(CADDY_ADMIN_PORT),
    });
  });
});
