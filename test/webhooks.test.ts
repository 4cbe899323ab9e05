import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../control-plane/events/delivery-worker.ts';
import { attachDomainEvents } from '../control-plane/events/domain-events.ts';
import { SqliteOutbox } from '../control-plane/events/outbox.ts';
import { verifyWebhookSignature } from '../control-plane/events/webhook-signature.ts';
import { createMetrics } from '../control-plane/metrics/metrics.ts';
import { openStore, type Store } from '../control-plane/store/store.ts';
import type { Hostname } from '../control-plane/types.ts';
import { closeServer } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const SECRET = 'whsec-integration-0123456789';

type Mode = 'ok' | 'error' | 'redirect' | 'hang';

/** A real loopback webhook receiver that verifies every signature and remembers what it accepted. */
class Receiver {
  mode: Mode = 'ok';
  port = 0;
  /** Event ids answered 2xx, in order. */
  accepted: string[] = [];
  /** Every request: path, status answered, signature check. */
  seen: { path: string; status: number; signatureOk: boolean; headers: IncomingMessage['headers']; body: string }[] =
    [];
  #server: Server | undefined;

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Down: the port refuses connections. */
  async stop(): Promise<void> {
    if (this.#server) await closeServer(this.#server);
    this.#server = undefined;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const header = req.headers['caddy-fleet-signature'];
    const check = verifyWebhookSignature(
      SECRET,
      typeof header === 'string' ? header : undefined,
      body,
      Date.now() / 1000,
    );
    if (this.mode === 'hang') return; // never answers: the worker's headers timeout fires
    const status = !check.ok ? 401 : this.mode === 'ok' ? 204 : this.mode === 'redirect' ? 302 : 500;
    this.seen.push({ path: req.url ?? '', status, signatureOk: check.ok, headers: req.headers, body });
    if (status === 204) this.accepted.push(String(req.headers['caddy-fleet-event-id']));
    res.writeHead(status, status === 302 ? { location: this.url('/elsewhere') } : {});
    res.end(status === 500 ? 'boom' : undefined);
  }
}

let dir: ReturnType<typeof tempDir>;
let store: Store;
let receiver: Receiver;
let clock: number;
const workers: DeliveryWorker[] = [];

function newWorker(outbox: SqliteOutbox, extra: Partial<ConstructorParameters<typeof DeliveryWorker>[0]> = {}) {
  const worker = new DeliveryWorker({
    outbox,
    secret: SECRET,
    now: () => clock,
    random: () => 0.5,
    timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000 },
    ...extra,
  });
  workers.push(worker);
  return worker;
}

function countBy(ids: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

/** Waits (bounded: 100 × 50 ms) until `done()` holds. */
async function eventually(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
}

beforeEach(async () => {
  dir = tempDir('caddy-fleet-webhooks-');
  clock = 1_700_000_000_000;
  store = openStore(join(dir.path, 'events.db'), { now: () => clock });
  receiver = new Receiver();
  await receiver.start();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await receiver.stop();
  store.close();
  dir.cleanup();
});
afterAll(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

describe('webhook delivery to a loopback receiver', () => {
  it('sends signed envelopes with the event headers', async () => {
    const outbox = new SqliteOutbox(store.db, { urls: [receiver.url()], now: () => clock });
    attachDomainEvents(store.domains, outbox);
    store.domains.create({ hostname: 'a.example.com' as Hostname, hostnameUnicode: 'a.example.com' }, 'token:abcd1234');
    const stats = await newWorker(outbox).runOnce();
    expect(stats).toEqual({ delivered: 1, retried: 0, failed: 0 });
    const [req] = receiver.seen;
    expect(req?.signatureOk).toBe(true);
    expect(req?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'caddy-fleet',
      'caddy-fleet-event-type': 'domain.created',
    });
    const envelope = JSON.parse(req!.body);
    expect(envelope).toMatchObject({
      id: req!.headers['caddy-fleet-event-id'],
      type: 'domain.created',
      created_at: new Date(clock).toISOString(),
      data: { hostname: 'a.example.com', status: 'active', actor: 'token:abcd1234' },
    });
    expect(outbox.countByState()).toEqual({ pending: 0, delivered: 1, failed: 0 });
  });

  it('retries with backoff while the receiver is down or failing, then delivers each event exactly once', async () => {
    const metrics = createMetrics();
    const outbox = new SqliteOutbox(store.db, { urls: [receiver.url()], now: () => clock });
    const worker = newWorker(outbox, { onOutcome: (o) => metrics.observeWebhook(o) });
    const ids = ['node.drifted', 'node.unreachable', 'node.in_sync'].map((t) => outbox.emit(t as 'node.drifted', {}));

    await receiver.stop(); // connection refused
    expect(await worker.runOnce()).toEqual({ delivered: 0, retried: 3, failed: 0 });
    const afterRefused = outbox.listDeliveries({ limit: 10 });
    expect(
      afterRefused.every((d) => d.state === 'pending' && d.attempts === 1 && /ECONNREFUSED/.test(d.lastError!)),
    ).toBe(true);
    // backoff: nothing is due until the delay has passed
    expect(await worker.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(afterRefused[0]!.nextAttemptAt).toBe(clock + 750); // 1 s base, jitter 0.5 → 0.75 s

    await receiver.start(); // back, but failing
    receiver.mode = 'error';
    clock += 750;
    expect(await worker.runOnce()).toEqual({ delivered: 0, retried: 3, failed: 0 });
    const afterErrors = outbox.listDeliveries({ limit: 10 });
    expect(afterErrors.map((d) => [d.attempts, d.lastStatus, d.lastError, d.nextAttemptAt])).toEqual(
      Array(3).fill([2, 500, 'HTTP 500', clock + 1_500]),
    );

    receiver.mode = 'ok'; // recovered
    clock += 1_500;
    expect(await worker.runOnce()).toEqual({ delivered: 3, retried: 0, failed: 0 });
    clock += 3_600_000;
    expect(await worker.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });

    expect([...countBy(receiver.accepted)].sort()).toEqual(ids.map((id) => [id, 1]).sort());
    expect(receiver.seen.every((r) => r.signatureOk)).toBe(true);
    expect(outbox.listDeliveries({ limit: 10 }).every((d) => d.state === 'delivered' && d.attempts === 3)).toBe(true);
    const text = await metrics.render();
    expect(text).toContain('caddy_fleet_webhook_attempts_total{outcome="retry"} 6');
    expect(text).toContain('caddy_fleet_webhook_attempts_total{outcome="delivered"} 3');
  });

  it('loses nothing across a daemon restart (store closed and reopened, a new worker)', async () => {
    const outbox = new SqliteOutbox(store.db, { urls: [receiver.url()], now: () => clock });
    attachDomainEvents(store.domains, outbox);
    await receiver.stop();
    for (const n of ['a', 'b', 'c']) {
      store.domains.create({ hostname: `${n}.example.com` as Hostname, hostnameUnicode: `${n}.example.com` }, 't');
    }
    await newWorker(outbox).runOnce(); // all refused
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    store.close();

    await receiver.start();
    store = openStore(join(dir.path, 'events.db'), { now: () => clock });
    const reopened = new SqliteOutbox(store.db, { urls: [receiver.url()], now: () => clock });
    expect(reopened.countByState()).toEqual({ pending: 3, delivered: 0, failed: 0 });
    clock += 3_600_000;
    const worker = newWorker(reopened, { pollIntervalMs: 20 });
    worker.start();
    await eventually(() => receiver.accepted.length >= 3);
    const ids = reopened.listEvents({ limit: 10 }).map((e) => e.id);
    expect([...countBy(receiver.accepted)].sort()).toEqual(ids.map((id) => [id, 1]).sort());
    expect(reopened.countByState()).toEqual({ pending: 0, delivered: 3, failed: 0 });
  });

  it('delivers a fresh event promptly when woken, without waiting for the poll interval', async () => {
    const outbox = new SqliteOutbox(store.db, { urls: [receiver.url()], now: () => clock });
    const worker = newWorker(outbox, { pollIntervalMs: 600_000 });
    worker.start();
    await worker.runOnce(); // the start pass has found nothing; the next poll is 10 minutes away
    const id = outbox.emit('node.drifted', { node: 'n1' });
    await eventually(() => receiver.accepted.length > 0);
    expect(receiver.accepted).toEqual([id]);
  });

  it('does not follow redirects, and fails for good after maxAttempts (then retry from the API re-queues)', async () => {
    receiver.mode = 'redirect';
    const outbox = new SqliteOutbox(store.db, { urls: [receiver.url()], now: () => clock });
    const worker = newWorker(outbox, { maxAttempts: 2 });
    outbox.emit('certificate.expiring', { hostname: 'a.example.com' });
    expect(await worker.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    clock += 3_600_000;
    expect(await worker.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 1 });
    expect(receiver.seen.map((r) => r.path)).toEqual(['/hook', '/hook']);
    const [failed] = outbox.listDeliveries({ limit: 1 });
    expect(failed).toMatchObject({ state: 'failed', attempts: 2, lastStatus: 302, lastError: 'HTTP 302' });

    receiver.mode = 'ok';
    outbox.retry(failed!.id);
    expect(await worker.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
  });

  it('gives up on a receiver that never answers after the headers timeout, and retries later', async () => {
    receiver.mode = 'hang';
    const outbox = new SqliteOutbox(store.db, { urls: [receiver.url()], now: () => clock });
    const worker = newWorker(outbox, { timeouts: { connectMs: 1_000, headersMs: 200, bodyMs: 200 } });
    outbox.emit('node.unreachable', {});
    expect(await worker.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(outbox.listDeliveries({ limit: 1 })[0]?.lastError).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
  });
});
