import { describe, expect, it } from 'vitest';
import { AppError } from '../control-plane/errors.ts';
import { buildCaddyConfig } from './build-config.ts';
import { routed, testNode, testSettings } from './testdata/fixtures.ts';

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('buildCaddyConfig validation', () => {
  it('rejects a domain naming an unknown upstream with UNKNOWN_UPSTREAM', () => {
    const err = errorOf(() => buildCaddyConfig([routed('a.test', 'purple')], testSettings(), testNode()));
    expect(err.code).toBe('UNKNOWN_UPSTREAM');
    expect(err.issues?.[0]?.path).toBe('routed[0].upstream');
  });

  it('rejects one hostname routed to two upstreams', () => {
    const list = [routed('a.test', 'blue'), routed('A.test', 'green')];
    expect(errorOf(() => buildCaddyConfig(list, testSettings(), testNode())).code).toBe('VALIDATION_FAILED');
  });

  it.each(['', ':2019', '0.0.0.0:2019', '[::]:2019', '127.0.0.1', 'localhost:port'])(
    'rejects the admin listen address %j',
    (adminListen) => {
      const err = errorOf(() => buildCaddyConfig([], testSettings(), testNode({ adminListen })));
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.issues?.[0]?.path).toBe('node.adminListen');
    },
  );

  it.each(['127.0.0.1:2019', '[::1]:2019', '10.0.1.7:2019', 'localhost:2019'])('accepts %j', (adminListen) => {
    const config = buildCaddyConfig([], testSettings(), testNode({ adminListen }));
    expect(config.admin).toEqual({ listen: adminListen, origins: [adminListen], config: { persist: true } });
  });

  it('omits the port from redirects to 443 and drops pki without an internal issuer', () => {
    const settings = testSettings({ issuers: [{ module: 'acme', ca: 'https://acme.example/dir' }] });
    const config = buildCaddyConfig([], settings, testNode({ httpsRedirectPort: 443 }));
    const redirect = config.apps.http.servers.http!.routes[1]!.handle[0];
    expect(redirect).toMatchObject({ headers: { Location: ['https://{http.request.host}{http.request.uri}'] } });
    expect(config.apps.pki).toBeUndefined();
    expect(config.apps.tls.automation.policies[0]!.issuers).toEqual([
      { module: 'acme', ca: 'https://acme.example/dir' },
    ]);
  });
});
