import { createServer } from 'node:http';
import { closeServer, listenOnLoopback } from './free-port.ts';

export interface AskServer {
  /** The ask URL to put into the Caddy config, e.g. `http://127.0.0.1:41234/ask`. */
  url: string;
  /** Names allowed; `allowAll` overrides it. Mutable between requests. */
  allowed: Set<string>;
  allowAll: boolean;
  /** Every `domain` asked for, in order, with the answer given. */
  calls: { domain: string; status: number }[];
  close(): Promise<void>;
}

/** A test ask endpoint: `GET /ask?domain=x` → 200 when allowed, 404 otherwise. */
export async function startAskServer(
  options: { allowed?: Iterable<string>; allowAll?: boolean } = {},
): Promise<AskServer> {
  const state = {
    allowed: new Set(options.allowed ?? []),
    allowAll: options.allowAll ?? false,
    calls: [] as { domain: string; status: number }[],
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://ask.invalid');
    if (url.pathname !== '/ask') {
      res.writeHead(404).end();
      return;
    }
    const domain = (url.searchParams.get('domain') ?? '').toLowerCase();
    const status = state.allowAll || state.allowed.has(domain) ? 200 : 404;
    state.calls.push({ domain, status });
    res.writeHead(status).end(status === 200 ? 'ok' : 'no');
  });
  const port = await listenOnLoopback(server);
  return Object.assign(state, { url: `http://127.0.0.1:${port}/ask`, close: () => closeServer(server) });
}
