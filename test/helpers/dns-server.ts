import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { once } from 'node:events';
import { freePort } from './free-port.ts';

/** A CAA property as pebble-challtestsrv takes it. */
export interface CaaPolicy {
  tag: string;
  value: string;
}

/**
 * A real DNS server on loopback: pebble-challtestsrv with its DNS port and management API only, no
 * default answers (unknown names get NOERROR with no records: it never says NXDOMAIN). A name with
 * a CNAME answers other types from the CNAME's target, one level deep, like a resolver would.
 */
export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for `Resolver.setServers`. */
  address: string;
  addA(host: string, addresses: string[]): Promise<void>;
  addAaaa(host: string, addresses: string[]): Promise<void>;
  setCname(host: string, target: string): Promise<void>;
  setTxt(host: string, value: string): Promise<void>;
  addCaa(host: string, policies: CaaPolicy[]): Promise<void>;
  setServfail(host: string): Promise<void>;
  clear(type: 'a' | 'aaaa' | 'cname' | 'txt' | 'caa' | 'servfail', host: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts pebble-challtestsrv on free loopback ports and waits until it answers DNS. */
export async function startDnsServer(): Promise<TestDnsServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const [dnsPort, mgmtPort] = [await freeUdpAndTcpPort(), await freePort()];
    const child = spawn(
      'pebble-challtestsrv',
      [
        ['-dns01', `127.0.0.1:${dnsPort}`],
        ['-management', `127.0.0.1:${mgmtPort}`],
        ['-http01', ''],
        ['-https01', ''],
        ['-tlsalpn01', ''],
        ['-defaultIPv4', ''],
        ['-defaultIPv6', ''],
      ].flat(),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await waitUntilReady(child, dnsPort, mgmtPort);
      return controller(child, dnsPort, mgmtPort);
    } catch (err) {
      lastError = new Error(`pebble-challtestsrv did not start: ${stderr.slice(-500)}`, { cause: err });
      await stopProcess(child);
    }
  }
  throw lastError;
}

function controller(child: ChildProcess, dnsPort: number, mgmtPort: number): TestDnsServer {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${mgmtPort}/${path}`, { method: 'POST', body: JSON.stringify(body) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`challtestsrv ${path}: HTTP ${res.status}`);
  };
  // challtestsrv matches names as FQDNs; most endpoints add the dot themselves, set-txt does not.
  const fqdn = (host: string) => (host.endsWith('.') ? host : `${host}.`);
  return {
    address: `127.0.0.1:${dnsPort}`,
    addA: (host, addresses) => post('add-a', { host: fqdn(host), addresses }),
    addAaaa: (host, addresses) => post('add-aaaa', { host: fqdn(host), addresses }),
    setCname: (host, target) => post('set-cname', { host: fqdn(host), target: fqdn(target) }),
    setTxt: (host, value) => post('set-txt', { host: fqdn(host), value }),
    addCaa: (host, policies) => post('add-caa', { host: fqdn(host), policies }),
    setServfail: (host) => post('set-servfail', { host: fqdn(host) }),
    clear: (type, host) => post(`clear-${type}`, { host: fqdn(host) }),
    stop: () => stopProcess(child),
  };
}

async function waitUntilReady(child: ChildProcess, dnsPort: number, mgmtPort: number): Promise<void> {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${dnsPort}`]);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${mgmtPort}/clear-a`, {
        method: 'POST',
        body: '{"host":"ready.probe."}',
      });
      await res.arrayBuffer();
      await resolver.resolve4('ready.probe').catch((err: { code?: string }) => {
        if (err.code !== 'ENODATA') throw err;
      });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('not ready after 100 tries');
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** A port free for both UDP and TCP on 127.0.0.1 a moment ago (DNS needs both). */
async function freeUdpAndTcpPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    const socket = createSocket('udp4');
    try {
      socket.bind(port, '127.0.0.1');
      await once(socket, 'listening');
      return port;
    } catch {
      // taken for UDP: try another
    } finally {
      try {
        socket.close();
      } catch {
        // never bound
      }
    }
  }
  throw new Error('no port free for both UDP and TCP');
}

/** A UDP socket on loopback that reads queries and never answers: a DNS server that times out. */
export async function startSilentDnsServer(): Promise<{
  address: string;
  received: () => number;
  stop: () => Promise<void>;
}> {
  const socket: Socket = createSocket('udp4');
  let count = 0;
  socket.on('message', () => {
    count++;
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    address: `127.0.0.1:${socket.address().port}`,
    received: () => count,
    stop: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
