import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { openStore } from '../store/store.ts';
import type { Hostname } from '../types.ts';
import { createDashboard } from './create-dashboard.tsx';
import type { DashboardDeps } from './deps.ts';
import { FakeCertificates, FakeFleetView, fakeAskActivity, fakeNode } from './fake-dashboard-deps.ts';

export const DASHBOARD_TOKEN = 'dashboard-token-0123456789abcdef';
const ORIGIN = 'http://localhost';

/**
 * A dashboard mounted at `/dashboard` on a real SQLite store in a temp dir, with a fake fleet, fake
 * certificates and a settable clock; for `app.request()` tests. Call `close()` in afterEach.
 */
export function createTestDashboard(overrides: Partial<DashboardDeps> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'caddy-fleet-dashboard-'));
  const store = openStore(join(dir, 'dashboard.db'));
  const clock = { now: 1_700_000_000_000 };
  const fleet = new FakeFleetView([fakeNode('node-a'), fakeNode('node-b', { availabilityZone: 'eu-west-1b' })]);
  const certificates = new FakeCertificates();
  const app = new Hono();
  app.route(
    '/dashboard',
    createDashboard({
      apiTokens: [DASHBOARD_TOKEN],
      fleet,
      domains: store.domains,
      certificates,
      askActivity: () => fakeAskActivity(clock.now),
      now: () => clock.now,
      eventsPollMs: 20,
      eventsMaxMs: 2_000,
      ...overrides,
    }),
  );

  const request = (path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set('cookie', init.cookie);
    return app.request(path, { ...init, headers });
  };

  /** Signs in and returns the `cookie` header value to send. */
  const signIn = async (token = DASHBOARD_TOKEN): Promise<string> => {
    const res = await post('/dashboard/login', { token });
    const setCookie = res.headers.get('set-cookie');
    if (res.status !== 303 || !setCookie) throw new Error(`sign-in failed: ${res.status}`);
    return setCookie.split(';')[0]!;
  };

  /** A same-origin form POST, as a browser sends it. */
  const post = (path: string, form: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) =>
    request(path, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: ORIGIN,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      ...(cookie ? { cookie } : {}),
    });

  /** The CSRF token rendered into a page's forms. */
  const csrfOf = async (cookie: string, path = '/dashboard'): Promise<string> => {
    const html = await (await request(path, { cookie })).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no CSRF field on the page');
    return m[1]!;
  };

  const addDomain = (hostname: string, metadata: Record<string, unknown> = {}, upstream: string | null = null) =>
    store.domains.create(
      { hostname: hostname as Hostname, hostnameUnicode: hostname, metadata, upstream },
      'token:test',
    );

  return {
    app,
    store,
    fleet,
    certificates,
    clock,
    request,
    post,
    signIn,
    csrfOf,
    addDomain,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
