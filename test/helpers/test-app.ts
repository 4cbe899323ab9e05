import { join } from 'node:path';
import { createHostnamePolicy } from '../../control-plane/hostname/index.ts';
import { createApp } from '../../control-plane/http/create-app.ts';
import { silentLogger } from '../../control-plane/log.ts';
import { openStore, type Store } from '../../control-plane/store/store.ts';
import { tempDir } from './temp-dir.ts';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const OTHER_TOKEN = 'other-token-0123456789abcdef';

/** A real app on a real SQLite file in a temp dir, for `app.request()` tests. */
export function createTestApp(options: { platformDomains?: string[] } = {}) {
  const dir = tempDir('caddy-fleet-http-');
  const store: Store = openStore(join(dir.path, 'api.db'));
  const app = createApp({
    domains: store.domains,
    hostnamePolicy: createHostnamePolicy(options.platformDomains ?? ['saas.com']),
    upstreamNames: new Set(['blue', 'green']),
    initialStatus: () => 'active',
    apiTokens: [TEST_TOKEN, OTHER_TOKEN],
    checkReady: () => store.checkReady(),
    logger: silentLogger(),
  });
  const auth = { authorization: `Bearer ${TEST_TOKEN}` };
  const json = { ...auth, 'content-type': 'application/json' };
  return {
    app,
    store,
    auth,
    request: (method: string, path: string, body?: unknown, headers: Record<string, string> = json) =>
      app.request(path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    close() {
      store.close();
      dir.cleanup();
    },
  };
}
