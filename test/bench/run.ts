// `npm run bench`: runs every benchmark module in order and prints one table (and a JSON file).
import { mkdirSync, writeFileSync } from 'node:fs';
import type { BenchModule, BenchResult } from './bench-result.ts';

const MODULES = ['ask', 'config-build', 'fleet'] as const;
const only = process.argv.slice(2);

const all: BenchResult[] = [];
for (const name of MODULES) {
  if (only.length > 0 && !only.includes(name)) continue;
  let mod: BenchModule;
  try {
    mod = (await import(`./${name}.bench.ts`)) as BenchModule;
  } catch (err) {
    console.log(`# ${name}: not available (${(err as Error).message})`);
    continue;
  }
  console.log(`# ${name} ...`);
  const started = performance.now();
  const results = await mod.run();
  for (const r of results) {
    const verdict = r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS';
    console.log(
      `${r.name.padEnd(40)} ${String(r.value).padStart(12)} ${r.unit.padEnd(6)} ${(r.target ?? '').padEnd(10)} ${verdict.padEnd(4)} ${r.note ?? ''}`,
    );
  }
  console.log(`# ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  all.push(...results);
}
mkdirSync('test-artifacts', { recursive: true });
writeFileSync('test-artifacts/bench.json', `${JSON.stringify(all, null, 2)}\n`);
