import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_ENV, bootstrapConfig, bootstrapEnv } from './bootstrap.ts';

describe('bootstrap config', () => {
  it('is static: every node-specific value is an {env.*} placeholder', () => {
    const config = bootstrapConfig();
    expect(config.admin.listen).toBe(`{env.${BOOTSTRAP_ENV.adminListen}}`);
    expect(config.admin.config?.load).toMatchObject({
      module: 'http',
      url: `{env.${BOOTSTRAP_ENV.configUrl}}`,
      header: { Authorization: [`Bearer {env.${BOOTSTRAP_ENV.nodeToken}}`] },
    });
    expect(config.admin.config?.load_delay).toMatch(/^\d+s$/);
  });

  it('returns a fresh copy each time', () => {
    const a = bootstrapConfig();
    a.admin.listen = 'changed';
    expect(bootstrapConfig().admin.listen).not.toBe('changed');
  });

  it('builds the environment and rejects a wildcard admin address', () => {
    const values = { adminListen: '10.0.1.7:2019', configUrl: 'http://cp:8080/caddy/config?node=i-1', nodeToken: 't' };
    expect(bootstrapEnv(values)).toEqual({
      CADDY_ADMIN_LISTEN: '10.0.1.7:2019',
      CADDY_FLEET_CONFIG_URL: 'http://cp:8080/caddy/config?node=i-1',
      CADDY_FLEET_NODE_TOKEN: 't',
    });
    expect(() => bootstrapEnv({ ...values, adminListen: ':2019' })).toThrow('specific host:port');
  });
});
