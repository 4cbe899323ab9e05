import { Agent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { CaddyAdminClient } from '../../caddy-config/admin-client.ts';
import { buildCaddyConfig } from '../../caddy-config/build-config.ts';
import { fingerprint } from '../../caddy-config/fingerprint.ts';
import type { BuildSettings, NodeSettings, RoutedDomain, Upstream } from '../../caddy-config/settings.ts';
import type { CaddyConfig, CaddySubrouteHandler } from '../../caddy-config/types.ts';
import { CaddyProcess } from '../../control-plane/fleet/caddy-process.ts';
import type { Hostname, NodeId } from '../../control-plane/types.ts';
import { startAskServer } from '../helpers/ask-server.ts';
import { startEchoUpstream } from '../helpers/echo-upstream.ts';
import { freePorts } from '../helpers/free-port.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import type { BenchResult } from './bench-result.ts';

const UPSTREAMS = 1_000;
const SIZES = [1_000, 10_000, 100_000];
const WARMUP = 50;
const SAMPLES = 400;
const ROUNDS = 5;
/** Lets Caddy finish the work a reload leaves behind (Go GC of the old config) before sampling. */
const settle = () => new Promise((r) => setTimeout(r, 500));

function upstreamsDialing(dial: string): Record<string, Upstream> {
  const names = Array.from({ length: UPSTREAMS }, (_, i) => `up-${String(i).padStart(4, '0')}`);
  return Object.fromEntries(names.map((name) => [name, { name, dial, tls: false }]));
}

function domains(count: number): RoutedDomain[] {
  return Array.from({ length: count }, (_, i) => ({
    hostname: `h${i}.example.com` as Hostname,
    upstream: `up-${String(i % UPSTREAMS).padStart(4, '0')}`,
  }));
}

function settingsFor(dial: string, askUrl: string, storageRoot: string): BuildSettings {
  return {
    askUrl,
    issuers: [{ module: 'internal' }],
    onDemandRateLimit: { interval: '1m', burst: 100 },
    storageRoot,
    defaultUpstream: { name: 'default', dial, tls: false },
    upstreams: upstreamsDialing(dial),
    headers: { customDomain: 'X-Custom-Domain', upstreamId: 'X-Caddy-Fleet-Upstream' },
    persistConfig: false,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

/** The hostname Caddy reaches last: the last host of the last upstream route in the last bucket. */
function lastHostname(config: CaddyConfig): string {
  const bucket = config.apps.http.servers.https!.routes.at(-2)!;
  const inner = (bucket.handle[0] as CaddySubrouteHandler).routes.at(-1)!;
  return inner.match![0]!.host!.at(-1)!;
}

function measureBuild(): BenchResult[] {
  const settings = settingsFor('127.0.0.1:9', 'http://127.0.0.1:9/ask', '/tmp/bench-storage');
  const node: NodeSettings = {
    id: 'bench' as NodeId,
    adminListen: '127.0.0.1:2019',
    httpListen: ':80',
    httpsListen: ':443',
  };
  const results: BenchResult[] = [];
  for (const size of SIZES) {
    const list = domains(size);
    const times: number[] = [];
    const fingerprintTimes: number[] = [];
    let config: CaddyConfig | undefined;
    for (let run = 0; run < 5; run++) {
      // a fresh array each run: the builder shares host routes between calls with the same `routed` array
      const input = [...list];
      const start = performance.now();
      config = buildCaddyConfig(input, settings, node);
      times.push(performance.now() - start);
      const fpStart = performance.now();
      fingerprint(config);
      fingerprintTimes.push(performance.now() - fpStart);
    }
    const label = `${size / 1000}k`;
    const build = median(times);
    results.push({
      name: `config.build.${label}.ms`,
      value: round(build),
      unit: 'ms',
      note: `median of 5, ${UPSTREAMS} upstreams`,
      ...(size === 100_000 ? { target: '< 200', pass: build < 200 } : {}),
    });
    results.push({ name: `config.fingerprint.${label}.ms`, value: round(median(fingerprintTimes)), unit: 'ms' });
    results.push({
      name: `config.size.${label}.bytes`,
      value: Buffer.byteLength(JSON.stringify(config)),
      unit: 'bytes',
    });
  }
  return results;
}

/** Sequential keep-alive HTTPS requests to one name; returns per-request latency in ms. */
async function sampleLatency(agent: Agent, port: number, hostname: string): Promise<number[]> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          servername: hostname,
          headers: { host: hostname },
          agent,
          rejectUnauthorized: false,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve(performance.now() - start) : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) samples.push(await once());
  return samples;
}

async function measureLatency(): Promise<BenchResult[]> {
  const dir = tempDir('bench-caddy-');
  const ask = await startAskServer({ allowAll: true });
  const echo = await startEchoUpstream('bench');
  const [adminPort, httpPort, httpsPort] = await freePorts(3);
  const node: NodeSettings = {
    id: 'bench' as NodeId,
    adminListen: `127.0.0.1:${adminPort}`,
    httpListen: `127.0.0.1:${httpPort}`,
    httpsListen: `127.0.0.1:${httpsPort}`,
  };
  const settings = settingsFor(echo.dial, ask.url, join(dir.path, 'storage'));
  const adminUrl = `http://${node.adminListen}`;
  const caddy = new CaddyProcess({
    id: 'bench',
    workDir: join(dir.path, 'node'),
    adminUrl,
    config: { admin: { listen: node.adminListen, config: { persist: false } } },
  });
  const client = new CaddyAdminClient({ adminUrl });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await caddy.start();
    const small = buildCaddyConfig(domains(10), settings, node);
    const large = buildCaddyConfig(domains(100_000), settings, node);
    const samples = { small: [] as number[], large: [] as number[] };
    const loadTimes: number[] = [];
    for (let pass = 0; pass < ROUNDS; pass++) {
      await client.load(small);
      await settle();
      samples.small.push(...(await sampleLatency(agent, httpsPort!, lastHostname(small))));
      const start = performance.now();
      await client.load(large);
      loadTimes.push(performance.now() - start);
      await settle();
      samples.large.push(...(await sampleLatency(agent, httpsPort!, lastHostname(large))));
    }
    const ratio = median(samples.large) / median(samples.small);
    const note = `${ROUNDS}×${SAMPLES} sequential keep-alive requests to the last hostname, echo upstream`;
    return [
      { name: 'caddy.latency.10.p50.ms', value: round(median(samples.small), 3), unit: 'ms', note },
      { name: 'caddy.latency.10.p99.ms', value: round(percentile(samples.small, 99), 3), unit: 'ms' },
      { name: 'caddy.latency.100k.p50.ms', value: round(median(samples.large), 3), unit: 'ms', note },
      { name: 'caddy.latency.100k.p99.ms', value: round(percentile(samples.large, 99), 3), unit: 'ms' },
      { name: 'caddy.latency.ratio.p50', value: round(ratio, 3), unit: 'x', target: '<= 1.1', pass: ratio <= 1.1 },
      {
        name: 'caddy.load.100k.ms',
        value: round(median(loadTimes), 0),
        unit: 'ms',
        note: `POST /load incl. upload of ${Buffer.byteLength(JSON.stringify(large))} bytes`,
      },
    ];
  } finally {
    agent.destroy();
    await caddy.stop();
    await client.close();
    await Promise.all([ask.close(), echo.close()]);
    dir.cleanup();
  }
}

/** Config build time and size at 1k/10k/100k domains; request latency through real Caddy at 100k vs 10. */
export async function run(): Promise<BenchResult[]> {
  return [...measureBuild(), ...(await measureLatency())];
}
