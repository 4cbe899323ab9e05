import { describe, expect, it } from 'vitest';
import { effectiveAskUrl, loadConfig } from './config.ts';

const TOKEN = 'a'.repeat(32);

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const r = loadConfig({ CADDY_FLEET_API_TOKENS: TOKEN });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      db: './data/caddy-fleet.db',
      listen: '127.0.0.1:8080',
      askListen: '127.0.0.1:8081',
      logLevel: 'info',
      discovery: 'local',
      localNodes: 1,
      nodes: [],
      issuer: 'internal',
      reconcileInterval: 10_000,
      driftMode: 'repair',
      platformDomains: [],
      upstreams: {},
    });
    expect(effectiveAskUrl(r.config)).toBe('http://127.0.0.1:8081/ask');
  });

  it('parses upstreams, tokens, domains and durations', () => {
    const r = loadConfig({
      CADDY_FLEET_API_TOKENS: `${TOKEN}, ${'b'.repeat(20)} `,
      CADDY_FLEET_PLATFORM_DOMAINS: 'saas.com,app.saas.io',
      CADDY_FLEET_DEFAULT_UPSTREAM: 'https://internal-alb.local:443',
      CADDY_FLEET_UPSTREAMS: '{"blue":"10.0.0.1:8080","green":"https://10.0.0.2:8443"}',
      CADDY_FLEET_RECONCILE_INTERVAL: '2s',
      CADDY_FLEET_NODES: '[{"id":"n1","admin":"http://10.0.0.5:2019"}]',
      CADDY_FLEET_DISCOVERY: 'static',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.apiTokens).toHaveLength(2);
    expect(r.config.platformDomains).toEqual(['saas.com', 'app.saas.io']);
    expect(r.config.defaultUpstream).toEqual({ name: 'default', dial: 'internal-alb.local:443', tls: true });
    expect(r.config.upstreams.green).toEqual({ name: 'green', dial: '10.0.0.2:8443', tls: true });
    expect(r.config.reconcileInterval).toBe(2000);
    expect(r.config.nodes[0]?.id).toBe('n1');
  });

  it('reports every problem at once, naming the variable', () => {
    const r = loadConfig({
      CADDY_FLEET_LISTEN: 'nope',
      CADDY_FLEET_UPSTREAMS: '{"Bad Name":"x"}',
      CADDY_FLEET_LOG_LEVEL: 'loud',
      CADDY_FLEET_TYPO: '1',
      CADDY_FLEET_DEFAULT_UPSTREAM: 'http://host:80',
      CADDY_FLEET_NODES: 'not json',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join('\n');
    for (const name of [
      'CADDY_FLEET_API_TOKENS',
      'CADDY_FLEET_LISTEN',
      'CADDY_FLEET_UPSTREAMS',
      'CADDY_FLEET_LOG_LEVEL',
      'CADDY_FLEET_TYPO: unknown setting',
      'CADDY_FLEET_DEFAULT_UPSTREAM',
      'CADDY_FLEET_NODES',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('requires the ECS settings when discovery is ecs', () => {
    const r = loadConfig({ CADDY_FLEET_API_TOKENS: TOKEN, CADDY_FLEET_DISCOVERY: 'ecs' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).toMatch(/CADDY_FLEET_AWS_REGION.*ecs/);
  });

  it('reads a JSON file named by CADDY_FLEET_CONFIG; the environment wins', () => {
    const files: Record<string, string> = {
      '/etc/cf.json': JSON.stringify({ listen: '0.0.0.0:9000', upstreams: { blue: '10.1.1.1:80' }, logLevel: 'debug' }),
    };
    const r = loadConfig(
      { CADDY_FLEET_CONFIG: '/etc/cf.json', CADDY_FLEET_API_TOKENS: TOKEN, CADDY_FLEET_LOG_LEVEL: 'warn' },
      (p) => files[p]!,
    );
    expect(r.ok && r.config).toMatchObject({
      listen: '0.0.0.0:9000',
      upstreams: { blue: { dial: '10.1.1.1:80' } },
      logLevel: 'warn',
    });
    const bad = loadConfig({ CADDY_FLEET_CONFIG: '/missing.json', CADDY_FLEET_API_TOKENS: TOKEN }, () => {
      throw new Error('ENOENT');
    });
    expect(bad.ok).toBe(false);
  });

  it('refuses the reserved upstream name and short tokens', () => {
    const r = loadConfig({ CADDY_FLEET_API_TOKENS: 'short', CADDY_FLEET_UPSTREAMS: '{"default":"1.2.3.4:80"}' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).toMatch(/at least 16/);
    expect(r.errors.join('\n')).toMatch(/reserved/);
  });
});
