import { connect } from 'node:tls';
import { type CertificateInfo, describeX509 } from './certificate-info.ts';

export interface ProbeTarget {
  /** Address to connect to (a node's HTTPS listener), e.g. `127.0.0.1` or `10.0.1.7`. */
  host: string;
  port: number;
  /** SNI: the customer hostname whose certificate we want to see. */
  servername: string;
  /** Bound on connect plus handshake (default 5 s). */
  timeoutMs?: number;
}

/**
 * Why no certificate was read. `HANDSHAKE_FAILED` is how Caddy refuses a name (ask denied, rate
 * limited, issuance failed): the name's certificate is "failing" on that node.
 */
export type ProbeErrorCode = 'CONNECT_FAILED' | 'HANDSHAKE_FAILED' | 'TIMEOUT' | 'NO_CERTIFICATE';

export type ProbeResult =
  | { ok: true; certificate: CertificateInfo }
  | { ok: false; code: ProbeErrorCode; message: string };

/**
 * Reads the certificate a node serves for `servername` with one TLS handshake, then closes the
 * connection. Verification is off on purpose: we report what is served, trusted or not. Never throws.
 *
 * @example
 * const r = await probeCertificate({ host: '127.0.0.1', port: 8443, servername: 'shop.example.com' });
 * if (!r.ok && r.code === 'HANDSHAKE_FAILED') markFailing('shop.example.com');
 */
export function probeCertificate(target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = target.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const socket = connect({
      host: target.host,
      port: target.port,
      servername: target.servername,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, code: 'TIMEOUT', message: `no TLS handshake within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      if (!peer) {
        finish({ ok: false, code: 'NO_CERTIFICATE', message: 'the server sent no certificate' });
        return;
      }
      try {
        finish({ ok: true, certificate: describeX509(peer) });
      } catch (err) {
        finish({
          ok: false,
          code: 'NO_CERTIFICATE',
          message: `served certificate is unreadable: ${(err as Error).message}`,
        });
      }
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code: ProbeErrorCode = connected ? 'HANDSHAKE_FAILED' : 'CONNECT_FAILED';
      finish({ ok: false, code, message: `${err.code ?? 'error'}: ${err.message}` });
    });
    socket.once('close', () =>
      finish({ ok: false, code: connected ? 'HANDSHAKE_FAILED' : 'CONNECT_FAILED', message: 'connection closed' }),
    );
  });
}
