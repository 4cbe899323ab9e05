/** One event as stored in the outbox. Times are epoch ms. */
export interface OutboxEvent {
  /** Insertion order: the keyset cursor of `GET /v1/events`. */
  seq: number;
  /** `evt_…`: stable across retries, so receivers can deduplicate. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: number;
}

/** The JSON body every webhook receives. */
export interface EventEnvelope {
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

export function toEnvelope(event: Pick<OutboxEvent, 'id' | 'type' | 'data' | 'createdAt'>): EventEnvelope {
  return { id: event.id, type: event.type, created_at: new Date(event.createdAt).toISOString(), data: event.data };
}

/**
 * The raw body of a delivery: `{"id","type","created_at","data"}`. Deterministic for a stored event, so
 * every retry sends the same bytes (only the signature's timestamp changes).
 */
export function envelopeBody(event: Pick<OutboxEvent, 'id' | 'type' | 'data' | 'createdAt'>): string {
  return JSON.stringify(toEnvelope(event));
}
