import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A hono/jsx element (string or promise of one) as an HTML document with a doctype. */
export async function renderPage(c: Context, page: unknown, status: ContentfulStatusCode = 200): Promise<Response> {
  return c.html(`<!doctype html>${String(await page)}`, status);
}

/** An HTML fragment (no doctype), for live refresh. */
export async function renderFragment(c: Context, fragment: unknown): Promise<Response> {
  return c.html(String(await fragment));
}

/** Security headers for every dashboard response. The CSP allows no inline script or style at all. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};
