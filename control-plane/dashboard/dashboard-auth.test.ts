import { afterEach, describe, expect, it } from 'vitest';
import { createTestDashboard } from './test-dashboard.ts';

let t: ReturnType<typeof createTestDashboard>;
afterEach(() => t.close());

describe('sign in', () => {
  it('redirects an unauthenticated page request to the sign-in page with next, leaking nothing', async () => {
    t = createTestDashboard();
    for (const path of [
      '/dashboard',
      '/dashboard/domains?q=x',
      '/dashboard/nodes/node-a/diff',
      '/dashboard/fleet/table',
    ]) {
      const res = await t.request(path);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/dashboard/login?next=${encodeURIComponent(path)}`);
      expect(await res.text()).not.toContain('node-a');
    }
  });

  it('answers the event stream with 204 without a session, so EventSource stops', async () => {
    t = createTestDashboard();
    expect((await t.request('/dashboard/events')).status).toBe(204);
  });

  it('rejects a wrong token with 401 and sets no cookie', async () => {
    t = createTestDashboard();
    const res = await t.post('/dashboard/login', { token: 'wrong-token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('That token is not valid.');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie on /dashboard and lands on next', async () => {
    t = createTestDashboard();
    const res = await t.post('/dashboard/login', {
      token: 'dashboard-token-0123456789abcdef',
      next: '/dashboard/domains',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/domains');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^cf_dashboard=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/dashboard');
    expect(cookie).not.toContain('Secure');
    const page = await t.request('/dashboard', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('node-a');
  });

  it('marks the cookie Secure when the request is https', async () => {
    t = createTestDashboard();
    const res = await t.post(
      'https://fleet.example/dashboard/login',
      { token: 'dashboard-token-0123456789abcdef' },
      undefined,
      {
        origin: 'https://fleet.example',
      },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('never redirects off the dashboard after sign-in (open redirect)', async () => {
    t = createTestDashboard();
    for (const next of ['https://evil.example/', '//evil.example/dashboard', '/dashboardx', '/dashboard/\\evil']) {
      const res = await t.post('/dashboard/login', { token: 'dashboard-token-0123456789abcdef', next });
      expect(res.headers.get('location')).toBe('/dashboard');
    }
  });

  it('ends an idle session after the idle time', async () => {
    t = createTestDashboard({ sessionIdleMs: 60_000 });
    const cookie = await t.signIn();
    t.clock.now += 59_000;
    expect((await t.request('/dashboard', { cookie })).status).toBe(200);
    t.clock.now += 59_000; // touched above, so still alive
    expect((await t.request('/dashboard', { cookie })).status).toBe(200);
    t.clock.now += 60_000;
    expect((await t.request('/dashboard', { cookie })).status).toBe(303);
  });

  it('keeps at most maxSessions: the least recently used session goes first', async () => {
    t = createTestDashboard({ maxSessions: 2 });
    const first = await t.signIn();
    const second = await t.signIn();
    await t.request('/dashboard', { cookie: first });
    const third = await t.signIn();
    expect((await t.request('/dashboard', { cookie: second })).status).toBe(303);
    expect((await t.request('/dashboard', { cookie: first })).status).toBe(200);
    expect((await t.request('/dashboard', { cookie: third })).status).toBe(200);
  });

  it('signs out: the cookie is cleared and the session is dead on the server', async () => {
    t = createTestDashboard();
    const cookie = await t.signIn();
    const csrf = await t.csrfOf(cookie);
    const res = await t.post('/dashboard/logout', { _csrf: csrf }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/login');
    expect(res.headers.get('set-cookie')).toMatch(/^cf_dashboard=; Max-Age=0/);
    expect((await t.request('/dashboard', { cookie })).status).toBe(303);
  });

  it('sends a strict CSP and no-store on pages', async () => {
    t = createTestDashboard();
    const res = await t.request('/dashboard', { cookie: await t.signIn() });
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('CSRF', () => {
  it('refuses a POST without the synchronizer token', async () => {
    t = createTestDashboard();
    const cookie = await t.signIn();
    const res = await t.post('/dashboard/reconcile', {}, cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('CSRF_FAILED');
    expect(t.fleet.reconcileCalls).toBe(0);
  });

  it('refuses a POST with a wrong token, or with another session’s token', async () => {
    t = createTestDashboard();
    const cookie = await t.signIn();
    const other = await t.csrfOf(await t.signIn());
    expect((await t.post('/dashboard/reconcile', { _csrf: 'x'.repeat(43) }, cookie)).status).toBe(403);
    expect((await t.post('/dashboard/reconcile', { _csrf: other }, cookie)).status).toBe(403);
    expect(t.fleet.reconcileCalls).toBe(0);
  });

  it('refuses a cross-origin POST even with the right token', async () => {
    t = createTestDashboard();
    const cookie = await t.signIn();
    const csrf = await t.csrfOf(cookie);
    const crossOrigin = await t.post('/dashboard/reconcile', { _csrf: csrf }, cookie, {
      origin: 'https://evil.example',
    });
    const crossSite = await t.post('/dashboard/reconcile', { _csrf: csrf }, cookie, { 'sec-fetch-site': 'cross-site' });
    const nullOrigin = await t.post('/dashboard/reconcile', { _csrf: csrf }, cookie, { origin: 'null' });
    expect([crossOrigin.status, crossSite.status, nullOrigin.status]).toEqual([403, 403, 403]);
    expect(t.fleet.reconcileCalls).toBe(0);
  });

  it('refuses a cross-origin sign-in (login CSRF)', async () => {
    t = createTestDashboard();
    const res = await t.post('/dashboard/login', { token: 'dashboard-token-0123456789abcdef' }, undefined, {
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('accepts a same-origin POST with the token: reconcile runs and the result is flashed', async () => {
    t = createTestDashboard();
    const cookie = await t.signIn();
    t.fleet.drift('node-b', [{ path: '/apps/http', desired: 1, observed: 2 }]);
    const res = await t.post('/dashboard/reconcile', { _csrf: await t.csrfOf(cookie) }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    expect(t.fleet.reconcileCalls).toBe(1);
    const page = await (await t.request('/dashboard', { cookie })).text();
    expect(page).toContain('Reconcile pass done: 2 nodes checked, 1 pushed, 0 failed');
    // A flash is shown once.
    expect(await (await t.request('/dashboard', { cookie })).text()).not.toContain('Reconcile pass done');
  });
});
