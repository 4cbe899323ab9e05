import { join } from 'node:path';
import { createHostnamePolicy } from '../../control-plane/hostname/index.ts';
import { createApp } from '../../control-plane/http/create-app.ts';
import { silentLogger } from '../../control-plane/log.ts';
import { openStore, type Store } from '../../control-plane/store/store.ts';
import type { DnsLookup } from '../../control-plane/verification/dns-lookup.ts';
import {
  createVerificationService,
  type VerificationConfig,
  type VerificationService,
} from '../../control-plane/verification/start-verification.ts';
import { tempDir } from './temp-dir.ts';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const OTHER_TOKEN = 'other-token-0123456789abcdef';

/** Verification settings for tests: `dns` by default, CNAME target `edge.fleet.test`, one address of each family. */
export const TEST_VERIFICATION_CONFIG: VerificationConfig = {
  verification: 'dns',
  dnsTarget: 'edge.fleet.test',
  staticIps: ['192.0.2.10', '2001:db8::10'],
  dnsServers: [],
  caDomains: ['letsencrypt.org'],
  dnsTimeout: 500,
  verifyInterval: 30_000,
  verifyGiveUp: 7 * 86_400_000,
  movedGrace: 7 * 86_400_000,
};

export interface TestAppOptions {
  platformDomains?: string[];
  /** Wires domain verification (routes, default policy) with this config over `lookup`. */
  verification?: { config?: Partial<VerificationConfig>; lookup?: DnsLookup; clock?: () => number };
}

/** A real app on a real SQLite file in a temp dir, for `app.request()` tests. */
export function createTestApp(options: TestAppOptions = {}) {
  const dir = tempDir('caddy-fleet-http-');
  const store: Store = openStore(join(dir.path, 'api.db'));
  let verification: VerificationService | undefined;
  if (options.verification) {
    const { config, lookup, clock } = options.verification;
    verification = createVerificationService({
      config: { ...TEST_VERIFICATION_CONFIG, ...config },
      store,
      logger: silentLogger(),
      ...(lookup ? { lookup } : {}),
      ...(clock ? { clock } : {}),
    });
  }
  const app = createApp({
    domains: store.domains,
    hostnamePolicy: createHostnamePolicy(options.platformDomains ?? ['saas.com']),
    upstreamNames: new Set(['blue', 'green']),
    ...(verification ? { verification: verification.settings.verification, verificationService: verification } : {}),
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
    /** The verification service when `options.verification` was given. */
    verification,
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
