import type { OutboxEvent } from './event-envelope.ts';

/** Deliveries and the row shapes of the outbox tables (migration 003). */

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One webhook delivery (an event to one URL) as the delivery log shows it. Times are epoch ms. */
export interface Delivery {
  id: number;
  eventId: string;
  eventType: string;
  url: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
  createdAt: number;
}

/** A delivery the worker has claimed, with the exact body to POST. */
export interface DueDelivery {
  id: number;
  eventId: string;
  eventType: string;
  url: string;
  /** Attempts made before this one. */
  attempts: number;
  body: string;
}

export interface EventRow {
  seq: number;
  id: string;
  type: string;
  data: string;
  created_at: number;
}

export interface DeliveryRow {
  id: number;
  event_id: string;
  event_type: string;
  url: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

/** Columns of a `Delivery` (aliases `d` deliveries, `e` events). */
export const DELIVERY_COLUMNS = `d.id, d.event_id, e.type AS event_type, d.url, d.state, d.attempts, d.next_attempt_at,
  d.last_status, d.last_error, d.last_attempt_at, d.delivered_at, d.created_at`;

export function fromEventRow(r: EventRow): OutboxEvent {
  return {
    seq: r.seq,
    id: r.id,
    type: r.type,
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}

export function fromDeliveryRow(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    url: r.url,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
  };
}
