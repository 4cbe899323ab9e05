import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFirstCertificate } from './certificate-info.ts';
import { makeCertificate, type TestCertificate } from './testdata/make-certificate.ts';
import { probeCertificate } from './tls-probe.ts';

let cert: TestCertificate;
const servers: Server[] = [];
const sockets = new Set<Socket>();

function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

beforeAll(() => {
  cert = makeCertificate('probe.example.com', 30);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('probeCertificate', () => {
  it('reads the served certificate (untrusted on purpose) and the SNI the server saw', async () => {
    const seen: string[] = [];
    const context = createSecureContext({ cert: cert.crt, key: cert.key });
    const server = createTlsServer(
      {
        SNICallback: (name, done) => {
          seen.push(name);
          done(null, context);
        },
      },
      (s) => s.end(),
    );
    server.on('tlsClientError', () => undefined);
    const port = await listen(server);
    const result = await probeCertificate({ host: '127.0.0.1', port, servername: 'probe.example.com' });
    expect(result).toEqual({ ok: true, certificate: parseFirstCertificate(cert.crt) });
    expect(seen).toEqual(['probe.example.com']);
  });

  it('reports a refused handshake as HANDSHAKE_FAILED (how Caddy refuses a name)', async () => {
    const server = createTlsServer({
      SNICallback: (_name, done) => done(new Error('no certificate for this name')),
    });
    server.on('tlsClientError', () => undefined);
    const port = await listen(server);
    const result = await probeCertificate({ host: '127.0.0.1', port, servername: 'denied.example.com' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe('HANDSHAKE_FAILED');
  });

  it('reports CONNECT_FAILED when nothing listens', async () => {
    const port = await listen(createTcpServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const result = await probeCertificate({ host: '127.0.0.1', port, servername: 'x.example.com' });
    expect(!result.ok && result.code).toBe('CONNECT_FAILED');
  });

  it('gives up with TIMEOUT when the server never answers the hello', async () => {
    const port = await listen(createTcpServer(() => undefined));
    const result = await probeCertificate({ host: '127.0.0.1', port, servername: 'x.example.com', timeoutMs: 200 });
    expect(result).toEqual({ ok: false, code: 'TIMEOUT', message: 'no TLS handshake within 200 ms' });
  });
});
