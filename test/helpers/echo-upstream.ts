import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { closeServer, listenOnLoopback } from './free-port.ts';

/** What the echo upstream answers with, as JSON. */
export interface EchoReply {
  upstream: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
}

export interface EchoUpstream {
  name: string;
  port: number;
  /** `127.0.0.1:<port>`, for a reverse_proxy `dial`. */
  dial: string;
  /** Every request seen, oldest first. */
  requests: EchoReply[];
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1:0 that answers every request with an {@link EchoReply}. */
export async function startEchoUpstream(name: string): Promise<EchoUpstream> {
  const requests: EchoReply[] = [];
  const server = createServer((req, res) => {
    const reply: EchoReply = {
      upstream: name,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
    };
    requests.push(reply);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply));
  });
  const port = await listenOnLoopback(server);
  return { name, port, dial: `127.0.0.1:${port}`, requests, close: () => closeServer(server) };
}

export interface EdgeRequest {
  /** Port of Caddy's HTTPS (or, with `tls: false`, HTTP) listener on 127.0.0.1. */
  port: number;
  /** TLS SNI; also the Host header unless `host` is given. */
  servername: string;
  host?: string;
  path?: string;
  headers?: Record<string, string>;
  /** PEM roots to trust (Caddy's internal CA root). */
  ca?: string;
  /** Plain HTTP instead of HTTPS. */
  tls?: boolean;
  timeoutMs?: number;
}

export interface EdgeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request through Caddy on loopback, on a fresh connection, with a timeout (default 10 s). */
/**
 * One request to a Caddy listener. Caddy's internal issuer stamps `notBefore` with the issuance time
 * rounded to the second, so a request in the same half second can see "certificate is not yet valid":
 * that one error is retried once, a second later.
 */
export async function requestEdge(options: EdgeRequest): Promise<EdgeResponse> {
  try {
    return await requestEdgeOnce(options);
  } catch (err) {
    if (!/not yet valid/.test(String((err as Error).message))) throw err;
    await new Promise((r) => setTimeout(r, 1000));
    return requestEdgeOnce(options);
  }
}

function requestEdgeOnce(options: EdgeRequest): Promise<EdgeResponse> {
  const { port, servername } = options;
  const headers = { host: options.host ?? servername, ...options.headers };
  const common = { host: '127.0.0.1', port, path: options.path ?? '/', headers, agent: false as const };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    };
    const req =
      options.tls === false
        ? httpRequest(common, onResponse)
        : httpsRequest({ ...common, servername, ...(options.ca === undefined ? {} : { ca: options.ca }) }, onResponse);
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}
