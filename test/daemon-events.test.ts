import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../control-plane/events/webhook-signature.ts';
import { startTestDaemon, waitFor } from './helpers/daemon.ts';
import { listenOnLoopback } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const SECRET = 'daemon-events-secret-0123456789';
const dir = tempDir('caddy-fleet-events-');
const received: { type: string; id: string; data: Record<string, unknown>; signed: boolean }[] = [];
let receiver: Server;
let t: Awaited<ReturnType<typeof startTestDaemon>>;

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c.toString();
    });
    req.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const raw = await body(req);
    const event = JSON.parse(raw) as { id: string; type: string; data: Record<string, unknown> };
    const check = verifyWebhookSignature(
      SECRET,
      String(req.headers['caddy-fleet-signature']),
      raw,
      Math.floor(Date.now() / 1000),
    );
    received.push({ type: event.type, id: event.id, data: event.data, signed: check.ok });
    res.writeHead(204).end();
  });
  const port = await listenOnLoopback(receiver);
  t = await startTestDaemon(dir.path, {
    localNodes: 0,
    webhookUrls: [`http://127.0.0.1:${port}/hooks`],
    webhookSecret: SECRET,
  });
});
afterAll(async () => {
  await t?.daemon.stop();
  await new Promise((r) => receiver.close(r));
  dir.cleanup();
});

describe('the daemon publishes domain changes as signed webhooks and metrics', () => {
  it('delivers domain.created, status_changed and deleted, each signed, in order', async () => {
    await t.api('POST', '/v1/domains', { hostname: 'hooked.customer.com' });
    await t.api('PATCH', '/v1/domains/hooked.customer.com', { status: 'blocked', status_reason: 'abuse' });
    await t.api('DELETE', '/v1/domains/hooked.customer.com');
    const all = await waitFor(() => received.length >= 3, 15_000);
    expect(all).toBe(true);
    expect(received.map((e) => e.type)).toEqual(['domain.created', 'domain.status_changed', 'domain.deleted']);
    expect(received.every((e) => e.signed)).toBe(true);
    expect(new Set(received.map((e) => e.id)).size).toBe(3);
    expect(received[1]!.data).toMatchObject({
      hostname: 'hooked.customer.com',
      status: 'blocked',
      previous_status: 'active',
      reason: 'abuse',
    });
    const log = await t.api('GET', '/v1/webhooks/deliveries');
    expect(log.body.items.every((d: { state: string }) => d.state === 'delivered')).toBe(true);
  });

  it('counts API requests and ask decisions in /metrics', async () => {
    await fetch(`http://${t.daemon.askAddress}/ask?domain=nobody.customer.com`).then((r) => r.arrayBuffer());
    const text = await (await fetch(`${t.base}/metrics`)).text();
    expect(text).toMatch(/caddy_fleet_ask_decisions_total\{result="unknown"\} [1-9]/);
    expect(text).toMatch(/caddy_fleet_api_requests_total\{[^}]*route="\/v1\/domains"[^}]*\} [1-9]/);
    expect(text).not.toContain('hooked.customer.com');
  });
});
