import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

/** The hidden form field that carries the synchronizer token. */
export const CSRF_FIELD = '_csrf';

/** What the same-origin check reads from a request. */
export interface OriginHeaders {
  /** The request URL as the server sees it (its host comes from the Host header). */
  url: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

/**
 * Same-origin check for a state-changing request: `Sec-Fetch-Site`, when the browser sends it, must be
 * `same-origin`; `Origin`, when present, must name this host. Hosts are compared without the scheme, so
 * a TLS-terminating proxy in front of the daemon (https outside, http inside) does not break forms.
 * A request with neither header (old browsers, scripts) is left to the synchronizer token.
 */
export function isSameOrigin(h: OriginHeaders): boolean {
  if (h.secFetchSite !== undefined && h.secFetchSite !== 'same-origin') return false;
  if (h.origin === undefined) return true;
  let origin: URL;
  try {
    origin = new URL(h.origin);
  } catch {
    return false; // includes the opaque `null` origin of sandboxed frames and data: URLs
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') return false;
  return origin.host === new URL(h.url).host;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of the session's token with the one a form sent. */
export function csrfTokenMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 256) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

/**
 * Throws CSRF_FAILED (403) unless the request is same-origin and, when a session token is given,
 * the form carries it. The login form has no session yet, so only the origin check applies there.
 */
export function assertCsrf(h: OriginHeaders, expected: string | undefined, presented: unknown): void {
  if (!isSameOrigin(h)) throw new AppError('CSRF_FAILED', 'cross-origin form submission refused');
  if (expected !== undefined && !csrfTokenMatches(expected, presented)) {
    throw new AppError('CSRF_FAILED', 'the form is stale or forged: reload the page and try again');
  }
}
