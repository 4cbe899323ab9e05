import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../control-plane/config.ts';
import { createDashboard } from '../control-plane/dashboard/create-dashboard.tsx';
import { FakeCertificates, fakeAskActivity, fakeCert } from '../control-plane/dashboard/fake-dashboard-deps.ts';
import { NULL_EVENT_SINK } from '../control-plane/events/event-sink.ts';
import { buildSettingsFrom } from '../control-plane/fleet/build-settings.ts';
import { StaticNodeDiscovery } from '../control-plane/fleet/static-discovery.ts';
import { silentLogger } from '../control-plane/log.ts';
import { DesiredConfigSource } from '../control-plane/reconciler/desired-config.ts';
import type { FleetView } from '../control-plane/reconciler/fleet-view.ts';
import { Reconciler } from '../control-plane/reconciler/reconciler.ts';
import { NodeRepo } from '../control-plane/store/node-repo.ts';
import { openStore, type Store } from '../control-plane/store/store.ts';
import type { Hostname } from '../control-plane/types.ts';
import { startCaddyNodes } from './helpers/caddy-nodes.ts';

/** The fleet the dashboard shows: three real Caddy nodes and the real reconciler, in `report` mode. */
interface TestFleet {
  view: FleetView;
  nodeIds: string[];
  /** Changes one node's live config behind the daemon's back (through its admin API). */
  tamper(id: string): Promise<void>;
  /** Lets the next pass repair drift. */
  allowRepair(): void;
  stop(): Promise<void>;
}

async function startTestFleet(s: Store, dir: string): Promise<TestFleet> {
  const nodes = await startCaddyNodes(dir, 3, 'local');
  const config = configSchema.parse({
    apiTokens: [TOKEN],
    discovery: 'static',
    nodes: nodes.map((n) => n.spec),
    storageRoot: join(dir, 'storage'),
    upstreams: { blue: '127.0.0.1:9' },
  });
  const logger = silentLogger();
  const reconciler = new Reconciler({
    discovery: new StaticNodeDiscovery(config.nodes),
    desired: new DesiredConfigSource(s.domains, buildSettingsFrom(config, 'http://127.0.0.1:9/ask'), logger),
    nodes: new NodeRepo(s.db),
    events: NULL_EVENT_SINK,
    logger,
    mode: 'report',
    intervalMs: 500,
    debounceMs: 50,
    removeCertificates: async () => undefined,
  });
  // the first sync pushes everywhere (nothing to repair yet); then only report
  reconciler.setMode('repair');
  await reconciler.reconcileNow();
  reconciler.setMode('report');
  reconciler.start();
  return {
    view: reconciler,
    nodeIds: nodes.map((n) => n.spec.id),
    async tamper(id) {
      const admin = nodes.find((n) => n.spec.id === id)!.spec.admin;
      const live = (await (await fetch(`${admin}/config/`)).json()) as any;
      const server = Object.values(live.apps.http.servers).find((x: any) => x.strict_sni_host) as any;
      const routes = server.routes as any[];
      routes[routes.length - 1].handle[0].upstreams[0].dial = '127.0.0.1:7';
      delete server.strict_sni_host;
      const res = await fetch(`${admin}/load`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(live),
      });
      expect(res.status).toBe(200);
    },
    allowRepair() {
      reconciler.setMode('repair');
    },
    async stop() {
      await reconciler.stop();
      await Promise.all(nodes.map((n) => n.process.stop()));
    },
  };
}

const TOKEN = 'e2e-dashboard-token-0123456789abcdef';
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let fleet: TestFleet;
let store: Store;
let dataDir: string;
let profileDir: string;
let server: ReturnType<typeof serve>;
let base: string;
let context: BrowserContext;
let page: Page;
const certificates = new FakeCertificates();
const browserErrors: string[] = [];
const dialogs: string[] = [];

function seedDomains(s: Store) {
  const add = (hostname: string, metadata: Record<string, unknown> = {}, upstream: string | null = null) =>
    s.domains.create({ hostname: hostname as Hostname, hostnameUnicode: hostname, metadata, upstream }, 'token:e2e');
  for (let i = 0; i < 60; i++) add(`shop-${String(i).padStart(2, '0')}.customer.example`, { plan: 'pro' });
  add('blog.example.net', { customer_id: 'cus_42', '<b>hostile</b>': '<img src=x onerror=alert(1)>' }, 'blue');
  s.domains.patch(
    'blog.example.net' as Hostname,
    { status: 'pending', statusReason: 'CNAME does not point at us yet' },
    'checker',
  );
  add('xn--bcher-kva.example', {}, null);
}

async function shot(name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'caddy-fleet-dashboard-e2e-'));
  profileDir = join(dataDir, 'chromium-profile');
  store = openStore(join(dataDir, 'e2e.db'));
  seedDomains(store);
  certificates.summaryData = {
    scannedAt: Date.now(),
    total: 4,
    minDaysLeft: 6.2,
    soonest: [
      fakeCert('shop-03.customer.example', {
        daysLeft: 6.2,
        status: 'expiring',
        notAfter: Date.now() + 6.2 * 86_400_000,
      }),
      fakeCert('shop-01.customer.example', { daysLeft: 58.9 }),
    ],
    missing: {
      total: 58,
      sample: ['shop-10.customer.example', 'shop-11.customer.example', 'shop-12.customer.example'],
    },
    failing: [
      fakeCert('shop-07.customer.example', {
        status: 'unparseable',
        issuer: null,
        notBefore: null,
        notAfter: null,
        daysLeft: null,
        error: 'CRT_UNPARSEABLE: no PEM certificate block',
      }),
    ],
    orphaned: [fakeCert('old-customer.example', { status: 'orphaned' })],
  };
  certificates.byDomain.set('shop-01.customer.example', [fakeCert('shop-01.customer.example', { daysLeft: 58.9 })]);

  fleet = await startTestFleet(store, dataDir);
  const app = new Hono();
  app.route(
    '/dashboard',
    createDashboard({
      apiTokens: [TOKEN],
      fleet: fleet.view,
      fleetMeta: () => ({ generation: store.domains.generation() }),
      domains: store.domains,
      certificates,
      askActivity: () => fakeAskActivity(Date.now()),
    }),
  );
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(info.port));
  });
  base = `http://127.0.0.1:${port}/dashboard`;

  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  // Console errors (CSP violations, script errors) fail the run; expected 4xx answers are checked one by one instead.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) browserErrors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 500) browserErrors.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => browserErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => {
    if (!server) return resolve();
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });
  await fleet?.stop();
  store?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard in headless Chromium', () => {
  it('sends an anonymous visitor to sign in, refuses a wrong token, accepts a right one', async () => {
    await page.goto(base);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await shot('01-login');
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('not valid');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}`);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'cf_dashboard');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
  });

  it('shows every node in sync', async () => {
    await page.waitForSelector('#live-note:text("Live")');
    for (const id of fleet.nodeIds) {
      expect(await page.getAttribute(`#node-${id}`, 'data-status')).toBe('in_sync');
    }
    expect(await page.textContent('.counts')).toContain(`${fleet.nodeIds.length} in sync`);
    await shot('02-fleet-in-sync');
  });

  it('turns a tampered node drifted without a reload (server-sent events)', async () => {
    const target = fleet.nodeIds[1]!;
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await fleet.tamper(target);
    await page.waitForSelector(`#node-${target}[data-status="drifted"]`, { timeout: 15_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.getAttribute(`#node-${target}`, 'class')).toBe('drift');
    await shot('03-fleet-drifted');
  });

  it('shows the drifted node’s diff as JSON paths with both values', async () => {
    const target = fleet.nodeIds[1]!;
    await page.click(`#node-${target} a`);
    await page.waitForURL(`${base}/nodes/${target}/diff`);
    const table = await page.textContent('table.diff');
    expect(table).toMatch(/\/apps\/http\/servers\/[^/]+\/routes\/\d+\/handle\/0\/upstreams\/0\/dial/);
    expect(table).toContain('"127.0.0.1:7"');
    expect(table).toContain('strict_sni_host');
    expect(table).toContain('(absent)');
    await shot('04-node-diff');
  });

  it('reconciles now and shows the node back in sync', async () => {
    const target = fleet.nodeIds[1]!;
    fleet.allowRepair();
    await page.click('button:text("Reconcile now")');
    await page.waitForSelector('.flash-ok');
    expect(await page.textContent('.flash-ok')).toContain('Reconcile pass done');
    expect(new URL(page.url()).pathname).toBe(`/dashboard/nodes/${target}/diff`);
    expect(await page.textContent('h2')).toBe('No differences');
    await page.click('nav a:text("Fleet")');
    expect(await page.getAttribute(`#node-${target}`, 'data-status')).toBe('in_sync');
  });

  it('browses, searches and pages the domains table', async () => {
    await page.click('nav a:text("Domains")');
    expect(await page.textContent('.cards')).toContain('62');
    expect(await page.locator('table.domains tbody tr').count()).toBe(50);
    await shot('05-domains');
    await page.click('a[rel=next]');
    expect(await page.locator('table.domains tbody tr').count()).toBe(12);
    await page.fill('#q', 'blog');
    await page.click('form.search button');
    expect(await page.locator('table.domains tbody tr').count()).toBe(1);
  });

  it('shows a domain with its status reason, metadata (escaped), timeline and certificate', async () => {
    await page.click('table.domains a:text("blog.example.net")');
    await page.waitForURL(`${base}/domains/blog.example.net`);
    const text = await page.textContent('main');
    expect(text).toContain('CNAME does not point at us yet');
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect(text).toContain('status changed');
    expect(await page.locator('main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot('06-domain');
    await page.goto(`${base}/domains/shop-01.customer.example`);
    expect(await page.textContent('main')).toContain('Pebble Intermediate CA');
  });

  it('shows certificates and deletes an orphan only after the typed confirmation', async () => {
    await page.click('nav a:text("Certificates")');
    const text = await page.textContent('main');
    expect(text).toContain('shop-03.customer.example');
    expect(text).toContain('58 active domains have no stored certificate');
    await shot('07-certificates');
    await page.fill('input[name=confirm]', 'old-customer');
    await page.click('button.danger');
    expect(await page.textContent('.flash-error')).toContain('type the hostname exactly');
    expect(certificates.deleted).toEqual([]);
    await page.fill('input[name=confirm]', 'old-customer.example');
    await page.click('button.danger');
    expect(await page.textContent('.flash-ok')).toContain('Deleted the stored certificate of old-customer.example');
    expect(certificates.deleted).toEqual(['old-customer.example']);
  });

  it('shows ask activity with the top denied names', async () => {
    await page.click('nav a:text("Ask activity")');
    expect(await page.locator('svg.chart rect.denied').count()).toBe(60);
    expect(await page.textContent('table.top-denied')).toContain('admin.scanner.example');
    expect(dialogs).toEqual([]);
    await shot('08-ask');
  });

  it('works on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('nav a:text("Fleet")');
    await shot('09-fleet-narrow');
    // The browser's globals, typed here because the project's TypeScript lib has no DOM.
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out and cannot see pages afterwards', async () => {
    await page.click('button:text("Sign out")');
    await page.waitForURL(`${base}/login`);
    await page.goto(`${base}/domains`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    expect(browserErrors).toEqual([]);
  });
});
