import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon } from './helpers/daemon.ts';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('caddy-fleet-daemon-verify-');
let dns: TestDnsServer;
let t: Awaited<ReturnType<typeof startTestDaemon>>;

async function ask(name: string): Promise<number> {
  const res = await fetch(`http://${t.daemon.askAddress}/ask?domain=${name}`, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestDaemon(dir.path, {
    localNodes: 0,
    verification: 'txt',
    dnsServers: [dns.address],
    caDomains: [],
  });
}, 60_000);
afterAll(async () => {
  await t?.daemon.stop();
  await dns?.stop();
  dir.cleanup();
});

describe('verification wired into the running daemon', () => {
  it('keeps a new domain pending (ask denies) until its TXT token is published, then activates it', async () => {
    const created = await t.api('POST', '/v1/domains', { hostname: 'owned.customer.com' });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('pending');
    expect(await ask('owned.customer.com')).toBe(403);

    const v = await t.api('GET', '/v1/domains/owned.customer.com/verification');
    expect(v.body.policy).toBe('txt');
    const record = v.body.records[0];
    expect(record).toMatchObject({ type: 'TXT', name: '_caddy-fleet.owned.customer.com' });

    const early = await t.api('POST', '/v1/domains/owned.customer.com/verify');
    expect(early.body.status).toBe('pending');

    await dns.setTxt(record.name, record.value);
    const done = await t.api('POST', '/v1/domains/owned.customer.com/verify');
    expect(done.body).toMatchObject({ previous_status: 'pending', status: 'active' });
    expect(await ask('owned.customer.com')).toBe(200);
    const events = await t.api('GET', '/v1/domains/owned.customer.com/events');
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(['created', 'status_changed']);
  });

  it('lets a domain opt out with its own policy', async () => {
    const r = await t.api('POST', '/v1/domains', { hostname: 'trusted.customer.com', verification: 'none' });
    expect(r.body.status).toBe('active');
    expect(await ask('trusted.customer.com')).toBe(200);
  });
});
