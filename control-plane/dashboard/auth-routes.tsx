import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createTokenMatcher } from '../http/auth.ts';
import { assertCsrf, CSRF_FIELD } from './csrf.ts';
import { LoginPage } from './login-page.tsx';
import { renderPage } from './render.ts';
import { SESSION_COOKIE, type Session, type SessionStore } from './session.ts';

/** Hono variables the dashboard's middleware sets. */
export type DashboardEnv = { Variables: { session: Session } };

export interface AuthRoutesOptions {
  base: string;
  apiTokens: readonly string[];
  sessions: SessionStore;
}

/** The same-origin facts of a request, for `assertCsrf`. */
export function originHeaders(c: Context) {
  return { url: c.req.url, origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site') };
}

/** The form body as strings (files and repeated fields dropped). */
export async function formBody(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Where to go after signing in: only a path of this dashboard, never another site (open redirect). */
export function safeNext(base: string, next: string | undefined): string {
  if (next === undefined || next.length > 2000) return base;
  if (next === base || (next.startsWith(`${base}/`) && !next.startsWith('//') && !/[\\\r\n]/.test(next))) return next;
  return base;
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/** `GET/POST /login` and `POST /logout`. */
export function registerAuthRoutes(app: Hono<DashboardEnv>, o: AuthRoutesOptions): void {
  const match = createTokenMatcher(o.apiTokens);

  app.get('/login', (c) => {
    const next = safeNext(o.base, c.req.query('next'));
    if (o.sessions.get(getCookie(c, SESSION_COOKIE))) return c.redirect(next, 303);
    return renderPage(c, <LoginPage base={o.base} next={next} />);
  });

  app.post('/login', async (c) => {
    assertCsrf(originHeaders(c), undefined, undefined);
    const body = await formBody(c);
    const next = safeNext(o.base, body.next);
    const token = body.token ?? '';
    const actor = token.length > 0 && token.length <= 1024 ? match(token) : undefined;
    if (!actor) {
      return renderPage(c, <LoginPage base={o.base} next={next} error="That token is not valid." />, 401);
    }
    // A fresh id at every sign-in: a session id planted before sign-in is never promoted.
    o.sessions.destroy(getCookie(c, SESSION_COOKIE));
    const session = o.sessions.create(actor);
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      path: o.base,
    });
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    const session = o.sessions.get(getCookie(c, SESSION_COOKIE));
    if (session) {
      const body = await formBody(c);
      assertCsrf(originHeaders(c), session.csrf, body[CSRF_FIELD]);
      o.sessions.destroy(session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: o.base, httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
    return c.redirect(`${o.base}/login`, 303);
  });
}

/**
 * Requires a live session. Without one, pages redirect (303) to the sign-in page with `next` set;
 * the event stream answers 204, which tells EventSource to stop reconnecting.
 */
export function requireSession(o: AuthRoutesOptions): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const session = o.sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) {
      if (c.req.path === `${o.base}/events`) return c.body(null, 204);
      const url = new URL(c.req.url);
      const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : o.base;
      return c.redirect(`${o.base}/login?next=${encodeURIComponent(back)}`, 303);
    }
    c.set('session', session);
    await next();
  };
}
