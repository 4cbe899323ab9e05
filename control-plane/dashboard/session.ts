import { createHash, randomBytes } from 'node:crypto';

/** A signed-in browser. `csrf` is the synchronizer token its forms must carry. */
export interface Session {
  /** The opaque id in the cookie (never logged, never stored as the map key). */
  readonly id: string;
  readonly csrf: string;
  /** Token id of the API token used to sign in (`token:<8 hex>`). */
  readonly actor: string;
  readonly createdAt: number;
  lastSeenAt: number;
  /** One message shown on the next page (post/redirect/get), then cleared. */
  flash: { kind: 'ok' | 'error'; text: string } | null;
}

export interface SessionStoreOptions {
  /** A session unused for this long ends (ms). */
  idleMs: number;
  /** Most sessions kept; creating one more drops the least recently used. */
  maxSessions: number;
  now: () => number;
}

/** Server-side sessions: an in-memory map with idle expiry and a size cap (LRU eviction). */
export interface SessionStore {
  create(actor: string): Session;
  /** The live session for a cookie value, touched; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined;
  destroy(id: string | undefined): void;
  readonly size: number;
}

export const SESSION_COOKIE = 'cf_dashboard';

const ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The map key: a digest, so the map never holds a usable cookie value. */
function keyOf(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}

/**
 * Creates the session store. Ids and CSRF tokens are 256 random bits (base64url). Map order is
 * least-recently-used first, so eviction and expiry sweeps stop at the first live entry.
 *
 * @example
 * const sessions = createSessionStore({ idleMs: 12 * 3600_000, maxSessions: 1000, now: Date.now });
 * const s = sessions.create('token:1a2b3c4d'); // set s.id as the cookie
 */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const map = new Map<string, Session>();
  const expired = (s: Session, now: number) => now - s.lastSeenAt >= options.idleMs;

  const sweep = (now: number) => {
    for (const [key, s] of map) {
      if (!expired(s, now)) break;
      map.delete(key);
    }
  };

  return {
    create(actor) {
      const now = options.now();
      sweep(now);
      while (map.size >= Math.max(1, options.maxSessions)) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
      }
      const id = randomBytes(32).toString('base64url');
      const session: Session = {
        id,
        csrf: randomBytes(32).toString('base64url'),
        actor,
        createdAt: now,
        lastSeenAt: now,
        flash: null,
      };
      map.set(keyOf(id), session);
      return session;
    },
    get(id) {
      if (id === undefined || !ID_SHAPE.test(id)) return undefined;
      const key = keyOf(id);
      const session = map.get(key);
      if (!session) return undefined;
      const now = options.now();
      map.delete(key);
      if (expired(session, now)) return undefined;
      session.lastSeenAt = now;
      map.set(key, session);
      return session;
    },
    destroy(id) {
      if (id !== undefined && ID_SHAPE.test(id)) map.delete(keyOf(id));
    },
    get size() {
      return map.size;
    },
  };
}
