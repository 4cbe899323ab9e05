/** Events caddy-fleet publishes (webhooks). Payload `data` is JSON; every event also gets an id and a time. */
export const EVENT_TYPES = [
  'domain.created',
  'domain.updated',
  'domain.deleted',
  'domain.status_changed',
  'node.drifted',
  'node.in_sync',
  'node.unreachable',
  'certificate.expiring',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Where components publish events. `emit` is synchronous and durable once it returns (the SQLite
 * outbox); called inside a store transaction, the event commits or rolls back with the change.
 */
export interface EventSink {
  emit(type: EventType, data: Record<string, unknown>): void;
}

/** Drops events: for tests and deployments without webhooks. */
export const NULL_EVENT_SINK: EventSink = { emit() {} };
