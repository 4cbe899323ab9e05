import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Stable, non-secret id of a token for the audit trail: `token:` + 8 hex of its sha256. */
export function tokenId(token: string): string {
  return `token:${digest(token).subarray(0, 4).toString('hex')}`;
}

/**
 * Checks a presented secret against a set in constant time: every candidate is compared (no early
 * exit) over fixed-length digests, so neither length nor position leaks.
 */
export function createTokenMatcher(tokens: readonly string[]): (presented: string) => string | undefined {
  const digests = tokens.map((t) => ({ d: digest(t), id: tokenId(t) }));
  return (presented) => {
    const p = digest(presented);
    let found: string | undefined;
    for (const { d, id } of digests) if (timingSafeEqual(p, d) && found === undefined) found = id;
    return found;
  };
}

const BEARER = /^Bearer[ ]+([\x21-\x7e]{1,1024})$/;

/** Requires `Authorization: Bearer <token>`; sets `actor` to the token id. */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const match = createTokenMatcher(tokens);
  return async (c, next) => {
    const m = BEARER.exec(c.req.header('authorization') ?? '');
    const actor = m ? match(m[1]!) : undefined;
    if (!actor) throw new AppError('UNAUTHORIZED', 'a valid bearer token is required');
    c.set('actor', actor);
    await next();
  };
}
