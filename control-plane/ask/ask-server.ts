import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AskDecision } from './decide-ask.ts';

const TEXT: Record<number, string> = {
  200: 'ok\n',
  400: 'bad request\n',
  403: 'forbidden\n',
  404: 'not found\n',
  405: 'method not allowed\n',
  503: 'unavailable\n',
};

/** Responses are prebuilt (flat raw header arrays, body buffers): this path runs for every new TLS name. */
const RESPONSES = new Map(
  Object.entries(TEXT).map(([status, text]) => {
    const body = Buffer.from(text);
    const headers = [
      'content-type',
      'text/plain; charset=utf-8',
      'content-length',
      String(body.length),
      'cache-control',
      'no-store',
    ];
    if (status === '405') headers.push('allow', 'GET, HEAD');
    return [Number(status), { body, headers }] as const;
  }),
);

/**
 * The ask listener: plain `node:http`, no framework, because this is the hot path Caddy calls on every
 * new TLS name. Any exception in here is a 503: it never answers 2xx by accident, never redirects.
 */
export function createAskServer(
  decide: (query: string) => AskDecision,
  onDecision?: (decision: AskDecision, durationNs: bigint) => void,
): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = onDecision ? process.hrtime.bigint() : 0n;
    let status = 503;
    try {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (path !== '/ask') status = 404;
      else if (req.method !== 'GET' && req.method !== 'HEAD') status = 405;
      else {
        const decision = decide(q === -1 ? '' : url.slice(q + 1));
        status = decision.status;
        onDecision?.(decision, process.hrtime.bigint() - started);
      }
    } catch {
      status = 503;
    }
    const response = RESPONSES.get(status) ?? RESPONSES.get(503)!;
    res.writeHead(status, response.headers);
    res.end(req.method === 'HEAD' ? undefined : response.body);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return server;
}
