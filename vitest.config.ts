import { defineConfig } from 'vitest/config';

// Three projects: `unit` is pure and instant, `integration` runs real Caddy, pebble, SQLite files
// and Chromium on loopback, `deploy` synthesizes the CDK app (a few seconds per file).
const exclude = ['**/node_modules/**', '**/cdk.out/**', 'test-artifacts/**'];

export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        test: {
          name: 'unit',
          exclude,
          include: [
            'control-plane/**/*.test.ts',
            'control-plane/**/*.test.tsx',
            'caddy-config/**/*.test.ts',
            'ecs/**/*.test.ts',
          ],
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      },
      {
        test: {
          name: 'integration',
          exclude,
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      },
      {
        test: {
          name: 'deploy',
          exclude,
          include: ['deploy/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      },
    ],
  },
});
