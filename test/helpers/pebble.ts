import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { freePorts } from './free-port.ts';

export interface Pebble {
  /** ACME directory URL. */
  directory: string;
  /** PEM of the throwaway CA that signed pebble's own HTTPS certificate (Caddy's trusted root for the ACME API). */
  apiCaFile: string;
  /** PEM of the root pebble issues under (fetched after start: pebble makes a new one per run). */
  issuingRoot: string;
  /** Number of `Added order` lines in pebble's log so far. */
  orders(): number;
  stop(): Promise<void>;
}

function makeApiCert(dir: string): { ca: string; cert: string; key: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '30',
    '-subj',
    '/CN=pebble-test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  ]);
  run([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'key.pem',
    '-out',
    'req.csr',
  ]);
  writeFileSync(
    join(dir, 'ext.cnf'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  run([
    'x509',
    '-req',
    '-in',
    'req.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '30',
    '-extfile',
    'ext.cnf',
    '-out',
    'cert.pem',
  ]);
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

/**
 * Starts pebble (real ACME, real validation) on free loopback ports. Its validation authority dials
 * `httpPort`/`tlsPort` on the address `dnsServer` returns for a name: point them at one Caddy node's
 * HTTP/HTTPS listeners; with shared storage every node can then complete challenges.
 */
export async function startPebble(options: {
  dir: string;
  dnsServer: string;
  httpPort: number;
  tlsPort: number;
}): Promise<Pebble> {
  const { ca, cert, key } = makeApiCert(options.dir);
  const [port, mgmt] = await freePorts(2);
  const configFile = join(options.dir, 'pebble.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${port}`,
        managementListenAddress: `127.0.0.1:${mgmt}`,
        certificate: cert,
        privateKey: key,
        httpPort: options.httpPort,
        tlsPort: options.tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  let log = '';
  const child: ChildProcess = spawn('pebble', ['-config', configFile, '-dnsserver', options.dnsServer], {
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (c: Buffer) => {
    log += c.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const dispatcher = new Agent({ connect: { ca: readFileSync(ca, 'utf8') } });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await dispatcher.close();
  };
  const get = async (url: string) => {
    const res = await request(url, { dispatcher, headersTimeout: 2000, bodyTimeout: 2000 });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`);
    return text;
  };
  const directory = `https://127.0.0.1:${port}/dir`;
  let issuingRoot = '';
  for (let i = 0; i < 100; i++) {
    try {
      await get(directory);
      issuingRoot = await get(`https://127.0.0.1:${mgmt}/roots/0`);
      break;
    } catch {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!issuingRoot) {
    await stop();
    throw new Error(`pebble did not start: ${log.slice(-800)}`);
  }
  return {
    directory,
    apiCaFile: ca,
    issuingRoot,
    orders: () => log.split('\n').filter((l) => l.includes('Added order')).length,
    stop,
  };
}
