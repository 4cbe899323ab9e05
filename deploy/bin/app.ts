import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { CaddyFleetStack } from '../lib/caddy-fleet-stack.ts';
import { readDeployParams } from '../lib/params.ts';

// CDK entry point (`cdk.json` → `npx tsx bin/app.ts`). Env-agnostic unless `-c account=… -c region=…`
// are given, so `cdk synth` works offline without credentials.
const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);
const account = context('account');
const region = context('region');
new CaddyFleetStack(app, String(context('stackName') ?? 'CaddyFleet'), {
  params: readDeployParams(context),
  repoRoot: join(import.meta.dirname, '..', '..'),
  env: typeof account === 'string' && typeof region === 'string' ? { account, region } : undefined,
  description: 'caddy-fleet: Caddy fleet with on-demand TLS behind Global Accelerator, and its control plane',
});
app.synth();
