import { Document } from './layout.tsx';

/** Sign in with an API token. `next` is where to go afterwards (already checked to be a dashboard path). */
export function LoginPage(props: { base: string; next: string; error?: string }) {
  return (
    <Document title="Sign in" base={props.base}>
      <body>
        <main class="narrow login">
          <h1>caddy-fleet</h1>
          <p class="muted">Sign in with an API token of this daemon.</p>
          {props.error ? (
            <p class="flash flash-error" role="alert">
              {props.error}
            </p>
          ) : null}
          <form method="post" action={`${props.base}/login`} class="stack">
            <input type="hidden" name="next" value={props.next} />
            <label for="token">API token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required maxlength={1024} />
            <button type="submit">Sign in</button>
          </form>
        </main>
      </body>
    </Document>
  );
}
