import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../control-plane/store/open-database.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import type { BenchResult } from './bench-result.ts';

const exec = promisify(execFile);
const DOMAINS = 1_000_000;
const here = import.meta.dirname;

function seed(dbPath: string): string[] {
  const db = openDatabase(dbPath);
  const insert = db.prepare(
    "INSERT INTO domains (hostname, hostname_unicode, status, metadata, created_at, updated_at) VALUES (?, ?, ?, '{}', 0, 0)",
  );
  db.transaction(() => {
    for (let i = 0; i < DOMAINS; i++) {
      const h = `shop${i}.customer${i % 997}.com`;
      insert.run(h, h, i % 100 === 0 ? 'blocked' : 'active');
    }
  })();
  db.close();
  // A query mix: 80% active names spread over the whole table, 20% unknown names.
  const names: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const n = (i * 7919) % DOMAINS;
    names.push(i % 5 === 4 ? `unknown${i}.example.org` : `shop${n}.customer${n % 997}.com`);
  }
  return names;
}

function startTarget(mode: string, db: string): Promise<{ child: ChildProcess; address: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'ask-target.ts'), mode, db], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => reject(new Error(`${mode} did not start`)), 60_000);
    child.stdout!.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve({ child, address: d.toString().trim() });
    });
    child.once('exit', (code) => reject(new Error(`${mode} exited ${code}`)));
  });
}

async function wrk(address: string, luaFile: string): Promise<{ rps: number; p99ms: number }> {
  const { stdout } = await exec('wrk', ['-t1', '-c32', '-d5s', '--latency', '-s', luaFile, `http://${address}`], {
    timeout: 30_000,
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
  const p99ms = m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]!]! : NaN;
  return { rps, p99ms };
}

/**
 * Latency at a fixed offered rate: every wrk connection waits 2 ms between requests (lua `delay`), so
 * `connections × 500` req/s are offered whatever the server does; wrk reports the latency distribution.
 */
async function paced(address: string, rate: number, luaFile: string) {
  // each connection manages ~410 req/s (2 ms pause + ~0.4 ms answer), so this offers about `rate`
  const connections = Math.max(1, Math.round(rate / 410));
  const { stdout } = await exec(
    'wrk',
    ['-t1', `-c${connections}`, '-d5s', '--latency', '-s', luaFile, `http://${address}`],
    {
      timeout: 30_000,
    },
  );
  const unit = (m: RegExpExecArray | null) =>
    m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]!]! : NaN;
  return {
    connections,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50: unit(/50%\s+([\d.]+)(us|ms|s)/.exec(stdout)),
    p99: unit(/99%\s+([\d.]+)(us|ms|s)/.exec(stdout)),
  };
}

/** Ask throughput and p99 with 1,000,000 stored domains, beside a bare node:http + Set server. */
export async function run(): Promise<BenchResult[]> {
  const dir = tempDir('caddy-fleet-bench-ask-');
  try {
    const db = join(dir.path, 'ask.db');
    const names = seed(db);
    const namesFile = join(dir.path, 'names.txt');
    writeFileSync(namesFile, names.join('\n'));
    const lua = join(dir.path, 'ask.lua');
    const script = `local names = {}\nfor line in io.lines("${namesFile}") do names[#names + 1] = line end\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format("GET", "/ask?domain=" .. names[(i % #names) + 1])\nend\n`;
    writeFileSync(lua, script);
    const pacedLua = join(dir.path, 'ask-paced.lua');
    writeFileSync(pacedLua, `${script}delay = function() return 2 end\n`);
    const results: Record<string, { rps: number; p99ms: number }> = {};
    let half: Awaited<ReturnType<typeof paced>> | undefined;
    for (const mode of ['bare-set', 'caddy-fleet', 'bare-set', 'caddy-fleet']) {
      const { child, address } = await startTarget(mode, db);
      try {
        await wrk(address, lua); // warm-up (JIT, page cache)
        const r = await wrk(address, lua);
        const prev = results[mode];
        results[mode] = prev && prev.rps > r.rps ? prev : r; // best of two rounds, interleaved
        if (mode === 'caddy-fleet' && prev) half = await paced(address, results[mode]!.rps / 2, pacedLua);
      } finally {
        child.kill('SIGTERM');
      }
    }
    const ours = results['caddy-fleet']!;
    const bare = results['bare-set']!;
    const ratio = ours.rps / bare.rps;
    return [
      {
        name: 'ask.rps.caddy-fleet',
        value: Math.round(ours.rps),
        unit: 'req/s',
        note: `${DOMAINS.toLocaleString('en')} domains in SQLite; wrk -c32, p99 ${ours.p99ms.toFixed(2)} ms at saturation`,
      },
      {
        name: 'ask.rps.bare-set',
        value: Math.round(bare.rps),
        unit: 'req/s',
        note: `node:http + in-memory Set; p99 ${bare.p99ms.toFixed(2)} ms at saturation`,
      },
      { name: 'ask.rps.ratio', value: Number(ratio.toFixed(3)), unit: 'x', target: '>= 0.9', pass: ratio >= 0.9 },
      {
        name: 'ask.p99.half-peak',
        value: Number((half?.p99 ?? NaN).toFixed(3)),
        unit: 'ms',
        target: '<= 2',
        pass: (half?.p99 ?? Infinity) <= 2,
        note: half
          ? `${half.connections} connections each pausing 2 ms between requests: ${Math.round(half.rps)} req/s achieved (peak ${Math.round(ours.rps)}), p50 ${half.p50.toFixed(3)} ms`
          : 'not measured',
      },
    ];
  } finally {
    dir.cleanup();
  }
}
