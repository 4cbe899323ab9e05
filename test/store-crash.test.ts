import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../control-plane/store/store.ts';
import type { Hostname } from '../control-plane/types.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('caddy-fleet-crash-');
afterAll(() => dir.cleanup());

/** Runs the writer until it has acknowledged `minAcks` writes plus a random extra delay, then SIGKILLs it. */
function runAndKill(dbPath: string, start: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'helpers/crash-writer.ts'), dbPath, String(start)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked: number[] = [];
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) acked.push(Number(l));
      // start the kill clock at the first acknowledged write, so every round really writes
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('store durability under kill -9', () => {
  it('keeps every acknowledged write and stays consistent across repeated SIGKILLs', async () => {
    const dbPath = join(dir.path, 'crash.db');
    let next = 0;
    const allAcked: number[] = [];
    for (let round = 0; round < 6; round++) {
      const acked = await runAndKill(dbPath, next, 30 + Math.floor(Math.random() * 300));
      expect(acked.length).toBeGreaterThan(0);
      allAcked.push(...acked);
      // A write may have committed without its ack being printed: continue after the highest present row.
      const check = new Database(dbPath, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      const present = new Set(check.prepare('SELECT hostname FROM domains').pluck().all() as string[]);
      for (const i of acked) expect(present.has(`d${i}.crash.example.com`)).toBe(true);
      const audited = check.prepare('SELECT count(*) FROM audit_events').pluck().get() as number;
      expect(audited).toBe(present.size);
      check.close();
      next = Math.max(...acked) + 2;
    }
    const store = openStore(dbPath);
    for (const i of allAcked) expect(store.domains.get(`d${i}.crash.example.com` as Hostname)).toBeDefined();
    store.close();
  });
});
