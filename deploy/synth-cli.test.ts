import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './test-support.ts';

const tmp = mkdtempSync(join(tmpdir(), 'caddy-fleet-synth-'));
const shimDir = join(tmp, 'bin');
const dockerCalled = join(tmp, 'docker-was-called');
const outDir = join(tmp, 'cdk.out');
let result: { code: number; stdout: string; stderr: string };

/** Runs the pinned CDK CLI exactly as `npm run deploy:synth` does, into a private output directory. */
function runCdkSynth(): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('CDK_')) env[k] = v;
  Object.assign(env, {
    PATH: `${shimDir}:${process.env.PATH}`,
    AWS_EC2_METADATA_DISABLED: 'true', // no credential lookups against IMDS
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    HOME: join(tmp, 'home'), // no ~/.aws profile
  });
  return new Promise((resolve) => {
    execFile(
      join(REPO_ROOT, 'node_modules/.bin/cdk'),
      ['synth', '--quiet', '--no-notices', '--output', outDir],
      { cwd: join(REPO_ROOT, 'deploy'), env, timeout: 100_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  mkdirSync(shimDir, { recursive: true });
  mkdirSync(join(tmp, 'home'), { recursive: true });
  // A docker that records the call and fails: synth must never build or pull images.
  writeFileSync(join(shimDir, 'docker'), `#!/bin/sh\necho "$@" > '${dockerCalled}'\nexit 97\n`);
  chmodSync(join(shimDir, 'docker'), 0o755);
  result = await runCdkSynth();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cdk synth (CLI, offline)', () => {
  it('exits 0 without calling docker or AWS', () => {
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(existsSync(dockerCalled)).toBe(false);
  });

  it('prints no CDK warnings (feature flags, circuit breaker, minHealthyPercent)', () => {
    const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => !/^npm warn /i.test(l));
    expect(lines.filter((l) => /warn|feature flags|deprecated/i.test(l))).toEqual([]);
  });

  it('writes the template and a daemon image asset built from deploy/Dockerfile', () => {
    const template = JSON.parse(readFileSync(join(outDir, 'CaddyFleet.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    for (const t of ['AWS::ECS::Service', 'AWS::GlobalAccelerator::EndpointGroup', 'AWS::WAFv2::WebACL']) {
      expect(types.has(t)).toBe(true);
    }
    const assets = JSON.parse(readFileSync(join(outDir, 'CaddyFleet.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile: string } }>;
    };
    const images = Object.values(assets.dockerImages);
    expect(images).toHaveLength(1);
    expect(images[0]!.source.dockerFile).toBe('deploy/Dockerfile');
    const context = join(outDir, images[0]!.source.directory);
    expect(existsSync(join(context, 'deploy/Dockerfile'))).toBe(true);
    expect(existsSync(join(context, 'package-lock.json'))).toBe(true);
    for (const excluded of ['node_modules', '.git', 'deploy/cdk.out', 'deploy/lib', 'test']) {
      expect(existsSync(join(context, excluded))).toBe(false);
    }
  });
});
