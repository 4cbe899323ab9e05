/** One minute of ask answers. `minute` is the epoch ms at the start of the minute. */
export interface AskMinute {
  minute: number;
  allowed: number;
  denied: number;
}

/** What the dashboard shows: the last 60 minutes (oldest first) and the most denied names. */
export interface AskActivitySnapshot {
  perMinute: AskMinute[];
  topDenied: { name: string; count: number }[];
  /** Names tracked right now (at most the capacity). */
  trackedNames: number;
}

export interface AskActivityOptions {
  /** Names kept between prunes; memory stays under twice this. Default 2,000. */
  capacity?: number;
  /** Length of `topDenied`. Default 20. */
  top?: number;
}

const MINUTE_MS = 60_000;
const SLOTS = 60;
const MAX_NAME = 253;

interface NameCount {
  count: number;
  lastSeen: number;
}

/**
 * Ask activity in bounded memory: allowed/denied counts per minute for the last hour in a ring buffer,
 * and denied names with their counts. A scanner flood of distinct names cannot grow memory: when the
 * map reaches twice the capacity, names not seen this hour go, then the least counted, down to the
 * capacity (amortised O(log n) per name). Counts of a name start when it is first tracked.
 */
export class AskActivity {
  readonly #minutes = new Float64Array(SLOTS).fill(-1);
  readonly #allowed = new Uint32Array(SLOTS);
  readonly #denied = new Uint32Array(SLOTS);
  readonly #names = new Map<string, NameCount>();
  readonly #capacity: number;
  readonly #top: number;

  constructor(options: AskActivityOptions = {}) {
    this.#capacity = Math.max(1, options.capacity ?? 2_000);
    this.#top = Math.max(1, options.top ?? 20);
  }

  /** Records one ask answer. `name` is the canonical hostname or the raw query value when invalid. */
  record(decision: { result: string; hostname?: string; raw?: string }, now: number = Date.now()): void {
    const minute = now - (now % MINUTE_MS);
    const slot = Math.floor(minute / MINUTE_MS) % SLOTS;
    if (this.#minutes[slot] !== minute) {
      this.#minutes[slot] = minute;
      this.#allowed[slot] = 0;
      this.#denied[slot] = 0;
    }
    if (decision.result === 'allowed') {
      this.#allowed[slot]!++;
      return;
    }
    this.#denied[slot]!++;
    const name = (decision.hostname ?? decision.raw)?.slice(0, MAX_NAME);
    if (!name) return;
    const entry = this.#names.get(name);
    if (entry) {
      entry.count++;
      entry.lastSeen = now;
      return;
    }
    if (this.#names.size >= this.#capacity * 2) this.#prune(now);
    this.#names.set(name, { count: 1, lastSeen: now });
  }

  /** The last 60 minutes up to `now` (oldest first, gaps as zeros) and the top denied names this hour. */
  snapshot(now: number = Date.now()): AskActivitySnapshot {
    const current = now - (now % MINUTE_MS);
    const perMinute: AskMinute[] = [];
    for (let i = SLOTS - 1; i >= 0; i--) {
      const minute = current - i * MINUTE_MS;
      const slot = Math.floor(minute / MINUTE_MS) % SLOTS;
      const live = this.#minutes[slot] === minute;
      perMinute.push({ minute, allowed: live ? this.#allowed[slot]! : 0, denied: live ? this.#denied[slot]! : 0 });
    }
    const since = now - SLOTS * MINUTE_MS;
    const topDenied = [...this.#names]
      .filter(([, e]) => e.lastSeen > since)
      .sort((a, b) => b[1].count - a[1].count || b[1].lastSeen - a[1].lastSeen)
      .slice(0, this.#top)
      .map(([name, e]) => ({ name, count: e.count }));
    return { perMinute, topDenied, trackedNames: this.#names.size };
  }

  #prune(now: number): void {
    const since = now - SLOTS * MINUTE_MS;
    const kept = [...this.#names]
      .filter(([, e]) => e.lastSeen > since)
      .sort((a, b) => b[1].count - a[1].count || b[1].lastSeen - a[1].lastSeen)
      .slice(0, this.#capacity);
    this.#names.clear();
    for (const [name, e] of kept) this.#names.set(name, e);
  }
}
