import { Hono } from 'hono';
import { z } from 'zod';
import { DELIVERY_STATES, type Delivery } from '../../events/delivery.ts';
import { toEnvelope } from '../../events/event-envelope.ts';
import { EVENT_TYPES } from '../../events/event-sink.ts';
import type { SqliteOutbox } from '../../events/outbox.ts';
import { redactUrl } from '../../events/redact-url.ts';
import type { AppEnv } from '../app-env.ts';
import type { ApiDocs } from '../openapi.ts';
import { listQuery } from '../schemas.ts';
import { parseWith } from '../validate.ts';

export interface WebhookRoutesDeps {
  outbox: Pick<SqliteOutbox, 'listDeliveries' | 'listEvents' | 'retry'>;
  /** Asks the delivery worker for a prompt pass (after a retry). */
  wake?: () => void;
}

const cursor = z
  .string()
  .regex(/^\d{1,15}$/)
  .optional()
  .meta({ description: 'next_cursor of the previous page' });

export const deliveriesQuery = z.strictObject({
  state: z.enum(DELIVERY_STATES).optional(),
  event_id: z
    .string()
    .regex(/^evt_[0-9a-z]{1,60}$/)
    .optional(),
  limit: listQuery.shape.limit,
  cursor,
});

export const outboxEventsQuery = z.strictObject({
  type: z.enum(EVENT_TYPES).optional(),
  limit: listQuery.shape.limit,
  cursor,
});

const deliveryIdParam = z.object({ id: z.string().regex(/^\d{1,15}$/) });

const isoOrNull = z.iso.datetime().nullable();

export const deliveryJson = z
  .object({
    id: z.number().int(),
    event_id: z.string(),
    event_type: z.string(),
    url: z.string().meta({ description: 'The webhook URL, credentials and query string redacted' }),
    state: z.enum(DELIVERY_STATES),
    attempts: z.number().int(),
    next_attempt_at: isoOrNull,
    last_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_attempt_at: isoOrNull,
    delivered_at: isoOrNull,
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'WebhookDelivery' });

export const outboxEventJson = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    created_at: z.iso.datetime(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });

const deliveryPage = z.object({ items: z.array(deliveryJson), next_cursor: z.string().nullable() });
const eventPage = z.object({ items: z.array(outboxEventJson), next_cursor: z.string().nullable() });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function deliveryToJson(d: Delivery): z.infer<typeof deliveryJson> {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: d.eventType,
    url: redactUrl(d.url),
    state: d.state,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_status: d.lastStatus,
    last_error: d.lastError,
    last_attempt_at: iso(d.lastAttemptAt),
    delivered_at: iso(d.deliveredAt),
    created_at: new Date(d.createdAt).toISOString(),
  };
}

/**
 * `/v1/webhooks/deliveries` (the delivery log), `/v1/webhooks/deliveries/{id}/retry` and `/v1/events`
 * (the outbox), newest first with keyset pagination. Mount at `/v1` (behind bearer auth).
 */
export function webhookRoutes(deps: WebhookRoutesDeps, docs: ApiDocs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  docs.add({
    method: 'get',
    path: '/v1/webhooks/deliveries',
    summary: 'The webhook delivery log, newest first',
    tags: ['webhooks'],
    auth: 'bearer',
    query: deliveriesQuery,
    responses: { 200: { description: 'A page of deliveries', schema: deliveryPage } },
    problems: [400],
  });
  app.get('/webhooks/deliveries', (c) => {
    const q = parseWith(deliveriesQuery, c.req.query(), 'query');
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const rows = deps.outbox.listDeliveries({
      limit: limit + 1,
      ...(q.state ? { state: q.state } : {}),
      ...(q.event_id ? { eventId: q.event_id } : {}),
      ...(q.cursor ? { beforeId: Number(q.cursor) } : {}),
    });
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? String(page[page.length - 1]!.id) : null;
    return c.json({ items: page.map(deliveryToJson), next_cursor: next });
  });

  docs.add({
    method: 'post',
    path: '/v1/webhooks/deliveries/{id}/retry',
    summary: 'Re-queue a failed delivery (its attempts start again)',
    tags: ['webhooks'],
    auth: 'bearer',
    params: deliveryIdParam,
    responses: { 200: { description: 'The re-queued delivery', schema: deliveryJson } },
    problems: [400, 404, 409],
  });
  app.post('/webhooks/deliveries/:id/retry', (c) => {
    const { id } = parseWith(deliveryIdParam, { id: c.req.param('id') }, 'path');
    const delivery = deps.outbox.retry(Number(id));
    deps.wake?.();
    return c.json(deliveryToJson(delivery));
  });

  docs.add({
    method: 'get',
    path: '/v1/events',
    summary: 'Events in the outbox (as webhooks receive them), newest first',
    tags: ['webhooks'],
    auth: 'bearer',
    query: outboxEventsQuery,
    responses: { 200: { description: 'A page of events', schema: eventPage } },
    problems: [400],
  });
  app.get('/events', (c) => {
    const q = parseWith(outboxEventsQuery, c.req.query(), 'query');
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const rows = deps.outbox.listEvents({
      limit: limit + 1,
      ...(q.type ? { type: q.type } : {}),
      ...(q.cursor ? { beforeSeq: Number(q.cursor) } : {}),
    });
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? String(page[page.length - 1]!.seq) : null;
    return c.json({ items: page.map(toEnvelope), next_cursor: next });
  });

  return app;
}
