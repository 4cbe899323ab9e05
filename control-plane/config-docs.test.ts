import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_KEYS } from './config.ts';

describe('the README configuration table', () => {
  it('names every setting the daemon reads, and no setting it does not', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/`(CADDY_FLEET_[A-Z0-9_]+)`/g)].map((m) => m[1]));
    documented.delete('CADDY_FLEET_CONFIG');
    expect([...documented].sort()).toEqual(Object.keys(ENV_KEYS).sort());
  });
});
