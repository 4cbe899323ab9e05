import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from './csrf.ts';

/** What every signed-in page needs besides its data. */
export interface PageContext {
  /** Mount path, e.g. `/dashboard`. */
  base: string;
  csrf: string;
  now: number;
  flash: { kind: 'ok' | 'error'; text: string } | null;
}

export type NavItem = 'fleet' | 'domains' | 'certificates' | 'ask';

const NAV: { id: NavItem; label: string; path: string }[] = [
  { id: 'fleet', label: 'Fleet', path: '' },
  { id: 'domains', label: 'Domains', path: '/domains' },
  { id: 'certificates', label: 'Certificates', path: '/certificates' },
  { id: 'ask', label: 'Ask activity', path: '/ask' },
];

/** The hidden synchronizer-token field every state-changing form carries. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

/** The HTML document around a page: head, stylesheet, optional script. */
export function Document(props: { title: string; base: string; script?: boolean; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · caddy-fleet`}</title>
        <link rel="stylesheet" href={`${props.base}/dashboard.css`} />
        {props.script ? <script src={`${props.base}/live.js`} defer /> : null}
      </head>
      {props.children}
    </html>
  );
}

/** A signed-in page: header with navigation and sign-out, the flash message, then the content. */
export function Layout(props: { ctx: PageContext; title: string; nav: NavItem; script?: boolean; children?: Child }) {
  const { ctx } = props;
  return (
    <Document title={props.title} base={ctx.base} script={props.script ?? false}>
      <body>
        <header class="top">
          <a class="brand" href={ctx.base}>
            caddy-fleet
          </a>
          <nav aria-label="Sections">
            {NAV.map((n) => (
              <a href={`${ctx.base}${n.path}`} aria-current={n.id === props.nav ? 'page' : undefined}>
                {n.label}
              </a>
            ))}
          </nav>
          <form method="post" action={`${ctx.base}/logout`} class="logout">
            <CsrfField token={ctx.csrf} />
            <button type="submit" class="link">
              Sign out
            </button>
          </form>
        </header>
        <main>
          {ctx.flash ? (
            <p class={`flash flash-${ctx.flash.kind}`} role="status">
              {ctx.flash.text}
            </p>
          ) : null}
          {props.children}
        </main>
      </body>
    </Document>
  );
}

/** A standalone message page (errors, not found), usable signed in or not. */
export function MessagePage(props: { base: string; title: string; status: number; code: string; detail: string }) {
  return (
    <Document title={props.title} base={props.base}>
      <body>
        <main class="narrow">
          <h1>{props.title}</h1>
          <p>{props.detail}</p>
          <p class="muted">
            {`HTTP ${props.status} · `}
            <code>{props.code}</code>
          </p>
          <p>
            <a href={props.base}>Back to the dashboard</a>
          </p>
        </main>
      </body>
    </Document>
  );
}
