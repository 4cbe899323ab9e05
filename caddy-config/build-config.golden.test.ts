import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCaddyConfig } from './build-config.ts';
import type { BuildSettings, NodeSettings, RoutedDomain } from './settings.ts';
import { routed, testNode, testSettings } from './testdata/fixtures.ts';

interface GoldenCase {
  name: string;
  routed: RoutedDomain[];
  settings: BuildSettings;
  node: NodeSettings;
}

const cases: GoldenCase[] = [
  { name: 'empty', routed: [], settings: testSettings(), node: testNode() },
  {
    name: 'three-domains-two-upstreams',
    routed: [
      routed('shop.example.com', 'green'),
      routed('blog.example.com', 'blue'),
      routed('Docs.Example.com', 'blue'),
      routed('plain.example.com', 'default'),
    ],
    settings: testSettings(),
    node: testNode({
      adminListen: '127.0.0.1:12001',
      httpListen: '127.0.0.1:18080',
      httpsListen: '127.0.0.1:18443',
      httpsRedirectPort: 18443,
    }),
  },
  {
    name: 'acme-pebble',
    routed: [routed('a.test', 'blue')],
    settings: testSettings({
      issuers: [
        {
          module: 'acme',
          ca: 'https://127.0.0.1:14000/dir',
          email: 'ops@example.test',
          trustedRootsPemFiles: ['/tmp/pebble/ca.pem'],
          challenges: { bindHost: '127.0.0.1', httpAlternatePort: 18080, tlsAlpnAlternatePort: 18443 },
        },
      ],
      persistConfig: false,
    }),
    node: testNode({ adminListen: '10.0.1.7:2019', adminOrigins: ['10.0.1.7:2019', 'localhost:2019'] }),
  },
  {
    name: 'https-upstream',
    routed: [routed('secure.example.com', 'vault')],
    settings: testSettings({
      defaultUpstream: { name: 'default', dial: 'app.internal:443', tls: true },
      upstreams: { vault: { name: 'vault', dial: 'vault.internal:8443', tls: true } },
    }),
    node: testNode(),
  },
];

// Run with UPDATE_GOLDEN=1 to rewrite the files, then review the JSON diff.
const update = process.env.UPDATE_GOLDEN === '1';

describe('buildCaddyConfig golden files', () => {
  for (const c of cases) {
    it(`matches testdata/${c.name}.golden.json`, () => {
      const file = fileURLToPath(new URL(`./testdata/${c.name}.golden.json`, import.meta.url));
      const actual = buildCaddyConfig(c.routed, c.settings, c.node);
      if (update) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
