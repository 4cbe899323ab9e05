import { afterEach, describe, expect, it } from 'vitest';
import { fakeCert } from './fake-dashboard-deps.ts';
import { createTestDashboard } from './test-dashboard.ts';

let t: ReturnType<typeof createTestDashboard>;
afterEach(() => t.close());

async function page(path: string): Promise<{ status: number; html: string }> {
  const res = await t.request(path, { cookie: await t.signIn() });
  return { status: res.status, html: await res.text() };
}

describe('fleet', () => {
  it('lists every node with address, AZ, status, fingerprints, last push, error and latency', async () => {
    t = createTestDashboard();
    const { status, html } = await page('/dashboard');
    expect(status).toBe(200);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('id="node-node-a"');
    expect(html).toContain('eu-west-1b');
    expect(html).toContain('127.0.0.1:8443');
    expect(html).toContain('aaaaaaaaaaaa');
    expect(html).toContain('3 ms');
    expect(html).toContain('2 in sync');
    expect(html).not.toContain('class="drift"');
  });

  it('shows the certificate storage check, with the failing checks named', async () => {
    t = createTestDashboard({
      fleetMeta: () => ({
        storage: {
          kind: 'efs',
          ok: false,
          checkedAt: 0,
          failing: [{ name: 'mount-target:eu-west-1b', detail: 'no available mount target in eu-west-1b' }],
        },
      }),
    });
    const { html } = await page('/dashboard');
    expect(html).toContain('Certificate storage (efs) has problems');
    expect(html).toContain('mount-target:eu-west-1b: no available mount target in eu-west-1b');
    t.close();
    t = createTestDashboard({ fleetMeta: () => ({ storage: { kind: 'local', ok: true, checkedAt: 0, failing: [] } }) });
    expect((await page('/dashboard')).html).toContain('Certificate storage (local): healthy');
  });

  it('highlights a drifted node and links its diff', async () => {
    t = createTestDashboard();
    t.fleet.drift('node-b', [{ path: '/apps/http/servers/https/listen/0', desired: ':8443', observed: ':9999' }]);
    const { html } = await page('/dashboard');
    expect(html).toMatch(/<tr class="drift" id="node-node-b" data-status="drifted">/);
    expect(html).toContain('1 drifted');
    expect(html).toContain('href="/dashboard/nodes/node-b/diff"');
  });

  it('serves the table alone as a fragment carrying the fleet version', async () => {
    t = createTestDashboard();
    const { html } = await page('/dashboard/fleet/table');
    expect(html).toMatch(/^<div id="fleet-table" data-version="[0-9a-f]{16}">/);
  });

  it('shows the diff as JSON paths with both values', async () => {
    t = createTestDashboard();
    t.fleet.drift('node-a', [
      { path: '/apps/http/servers/https/listen/0', desired: ':8443', observed: ':9999' },
      { path: '/apps/tls/automation', desired: { on_demand: true }, observed: undefined },
    ]);
    const { status, html } = await page('/dashboard/nodes/node-a/diff');
    expect(status).toBe(200);
    expect(html).toContain('2 differences');
    expect(html).toContain('/apps/http/servers/https/listen/0');
    expect(html).toContain('&quot;:8443&quot;');
    expect(html).toContain('&quot;:9999&quot;');
    expect(html).toContain('(absent)');
  });

  it('answers an unknown node with a 404 page', async () => {
    t = createTestDashboard();
    const { status, html } = await page('/dashboard/nodes/nope/diff');
    expect(status).toBe(404);
    expect(html).toContain('NODE_NOT_FOUND');
  });
});

describe('fleet events', () => {
  it('sends the version on connect and again when the fleet changes', async () => {
    t = createTestDashboard();
    const res = await t.request('/dashboard/events', { cookie: await t.signIn() });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (count: number) => {
      for (let i = 0; i < 200 && (text.match(/event: fleet/g) ?? []).length < count; i++) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value);
      }
    };
    await readUntil(1);
    const first = /data: ([0-9a-f]{16})/.exec(text)?.[1];
    expect(first).toBeDefined();
    t.fleet.drift('node-a', []);
    await readUntil(2);
    const versions = [...text.matchAll(/data: ([0-9a-f]{16})/g)].map((m) => m[1]);
    expect(versions).toHaveLength(2);
    expect(versions[1]).not.toBe(first);
    await reader.cancel();
  });
});

describe('domains', () => {
  it('shows counts by status and pages through the table with a keyset cursor', async () => {
    t = createTestDashboard();
    for (const h of ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e.example.org'])
      t.addDomain(h);
    const first = await page('/dashboard/domains?limit=2');
    expect(first.html).toContain('<span class="big">5</span> all');
    expect(first.html).toContain('a.example.com');
    expect(first.html).toContain('b.example.com');
    expect(first.html).not.toContain('c.example.com');
    expect(first.html).toContain('href="/dashboard/domains?after=b.example.com&amp;limit=2"');
    const second = await page('/dashboard/domains?limit=2&after=b.example.com');
    expect(second.html).toContain('c.example.com');
    expect(second.html).toContain('d.example.com');
    expect(second.html).not.toContain('>a.example.com<');
    const last = await page('/dashboard/domains?limit=2&after=d.example.com');
    expect(last.html).toContain('e.example.org');
    expect(last.html).not.toContain('Next page');
  });

  it('searches by substring and filters by status', async () => {
    t = createTestDashboard();
    for (const h of ['shop.example.com', 'blog.example.com', 'shop.example.org']) t.addDomain(h);
    const { html } = await page('/dashboard/domains?q=shop');
    expect(html).toContain('shop.example.com');
    expect(html).toContain('shop.example.org');
    expect(html).not.toContain('blog.example.com');
    const pending = await page('/dashboard/domains?status=pending');
    expect(pending.html).toContain('No domains match.');
  });

  it('shows a domain with status, upstream, metadata, timeline and certificate', async () => {
    t = createTestDashboard();
    t.addDomain('shop.example.com', { plan: 'pro' }, 'blue');
    t.certificates.byDomain.set('shop.example.com', [fakeCert('shop.example.com')]);
    const { status, html } = await page('/dashboard/domains/shop.example.com');
    expect(status).toBe(200);
    expect(html).toContain('blue');
    expect(html).toContain('&quot;pro&quot;');
    expect(html).toContain('created');
    expect(html).toContain('token:test');
    expect(html).toContain('Pebble Intermediate CA');
    expect(html).toContain('60.0 d left');
  });

  it('escapes a hostile metadata value', async () => {
    t = createTestDashboard();
    t.addDomain('evil.example.com', { '<img src=x onerror=alert(1)>': '</pre><script>alert(1)</script>' });
    const { html } = await page('/dashboard/domains/evil.example.com');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('answers an unknown domain with a 404 page', async () => {
    t = createTestDashboard();
    const { status, html } = await page('/dashboard/domains/nope.example.com');
    expect(status).toBe(404);
    expect(html).toContain('DOMAIN_NOT_FOUND');
  });
});

describe('certificates', () => {
  function withCertificates() {
    t = createTestDashboard();
    t.certificates.summaryData = {
      ...t.certificates.summaryData,
      total: 3,
      minDaysLeft: 4.5,
      soonest: [fakeCert('soon.example.com', { daysLeft: 4.5, status: 'expiring' })],
      missing: { total: 12, sample: ['new.example.com'] },
      failing: [fakeCert('bad.example.com', { status: 'unparseable', issuer: null, error: 'CRT_UNPARSEABLE' })],
      orphaned: [fakeCert('gone.example.com', { status: 'orphaned' })],
    };
  }

  it('shows soonest expiring, missing, failing and orphaned certificates', async () => {
    withCertificates();
    const { html } = await page('/dashboard/certificates');
    expect(html).toContain('4.5 d');
    expect(html).toContain('soon.example.com');
    expect(html).toContain('12 active domains have no stored certificate');
    expect(html).toContain('CRT_UNPARSEABLE');
    expect(html).toContain('Type <code>gone.example.com</code> to confirm');
  });

  it('deletes an orphan only when the hostname is typed again', async () => {
    withCertificates();
    const cookie = await t.signIn();
    const csrf = await t.csrfOf(cookie, '/dashboard/certificates');
    const wrong = await t.post(
      '/dashboard/certificates/orphans/delete',
      { _csrf: csrf, hostname: 'gone.example.com', confirm: 'gone' },
      cookie,
    );
    expect(wrong.status).toBe(303);
    expect(t.certificates.deleted).toEqual([]);
    expect(await (await t.request('/dashboard/certificates', { cookie })).text()).toContain(
      'Not deleted: type the hostname',
    );
    const right = await t.post(
      '/dashboard/certificates/orphans/delete',
      { _csrf: csrf, hostname: 'gone.example.com', confirm: 'Gone.Example.com ' },
      cookie,
    );
    expect(right.headers.get('location')).toBe('/dashboard/certificates');
    expect(t.certificates.deleted).toEqual(['gone.example.com']);
    const after = await (await t.request('/dashboard/certificates', { cookie })).text();
    expect(after).toContain('Deleted the stored certificate of gone.example.com');
    expect(after).toContain('No certificates for removed domains.');
  });

  it('reports a refused delete (certificate in use) without deleting', async () => {
    withCertificates();
    t.certificates.byDomain.set('live.example.com', [fakeCert('live.example.com')]);
    const cookie = await t.signIn();
    const csrf = await t.csrfOf(cookie, '/dashboard/certificates');
    await t.post(
      '/dashboard/certificates/orphans/delete',
      { _csrf: csrf, hostname: 'live.example.com', confirm: 'live.example.com' },
      cookie,
    );
    expect(t.certificates.deleted).toEqual([]);
    expect(await (await t.request('/dashboard/certificates', { cookie })).text()).toContain(
      'Not deleted: live.example.com is a servable domain',
    );
  });
});

describe('ask activity', () => {
  it('charts allowed and denied per minute and lists the top denied names, escaped', async () => {
    t = createTestDashboard();
    const { html } = await page('/dashboard/ask');
    expect((html.match(/<rect [^>]*class="denied"/g) ?? []).length).toBe(60);
    expect(html).toContain('admin.scanner.example');
    expect(html).toContain('412');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
  });
});

describe('assets', () => {
  it('serves the stylesheet and the live-refresh script without a session', async () => {
    t = createTestDashboard();
    const css = await t.request('/dashboard/dashboard.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('tr.drift');
    const js = await t.request('/dashboard/live.js');
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toContain('EventSource');
  });
});
