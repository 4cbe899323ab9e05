import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { FleetView, NodeView } from '../reconciler/fleet-view.ts';

/**
 * A cheap version of what the fleet table shows. Leaves out what changes on every poll without
 * meaning anything to an operator (admin latency, last-synced time), so the table is not re-fetched
 * every second.
 */
export function fleetVersion(nodes: readonly NodeView[]): string {
  const h = createHash('sha1');
  for (const n of nodes) {
    h.update(
      JSON.stringify([
        n.id,
        n.status,
        n.lifecycle,
        n.desiredFingerprint,
        n.observedFingerprint,
        n.lastPushAt,
        n.lastError?.code ?? null,
        n.lastError?.message ?? null,
        n.httpAddress,
        n.httpsAddress,
        n.availabilityZone,
      ]),
    );
  }
  return h.digest('hex').slice(0, 16);
}

export interface FleetEventsOptions {
  fleet: FleetView;
  pollMs: number;
  /** The stream closes after this long; EventSource reconnects by itself. */
  maxMs: number;
  /** False once the session behind the stream has ended: the stream closes. */
  stillAuthorized: () => boolean;
  /** Called once when the stream ends, however it ends. */
  onClose?: () => void;
}

const HEARTBEAT_MS = 15_000;

/**
 * `text/event-stream` of `fleet` events whose data is the fleet version: one on connect, then one
 * each time a poll sees a different version. Bounded in time, closes when the client goes away or
 * the session ends; a comment line every 15 s keeps proxies from timing the stream out.
 */
export function streamFleetEvents(c: Context, o: FleetEventsOptions): Response {
  c.header('cache-control', 'no-store');
  c.header('x-accel-buffering', 'no');
  return streamSSE(c, async (stream) => {
    try {
      await pump(stream, o);
    } finally {
      o.onClose?.();
    }
  });
}

async function pump(stream: SSEStreamingApi, o: FleetEventsOptions): Promise<void> {
  let closed = false;
  stream.onAbort(() => {
    closed = true;
  });
  const started = Date.now();
  let version = fleetVersion(o.fleet.nodes());
  let lastWrite = Date.now();
  await stream.writeSSE({ event: 'fleet', data: version, retry: 3000 });
  const ticks = Math.ceil(o.maxMs / Math.max(10, o.pollMs));
  for (let i = 0; i < ticks && !closed && Date.now() - started < o.maxMs; i++) {
    await stream.sleep(o.pollMs);
    if (closed || !o.stillAuthorized()) break;
    const next = fleetVersion(o.fleet.nodes());
    if (next !== version) {
      version = next;
      await stream.writeSSE({ event: 'fleet', data: version });
      lastWrite = Date.now();
    } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
      await stream.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
  }
}
