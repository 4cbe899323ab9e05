import { aws_ecr_assets as assets, aws_ecs as ecs, IgnoreMode } from 'aws-cdk-lib';

/**
 * What the daemon image's build context leaves out (the `.dockerignore` of `deploy/Dockerfile`; the same list
 * is in `deploy/Dockerfile.dockerignore` for a manual `docker build -f deploy/Dockerfile .`). At synth the CDK
 * only copies the remaining files into `cdk.out`; the image is built at deploy/publish time.
 */
export const DAEMON_IMAGE_EXCLUDE = [
  '.git',
  '**/node_modules',
  '**/cdk.out',
  'data',
  'test-artifacts',
  'test',
  'bench',
  'coverage',
  '.tmp',
  '.ci',
  '**/*.log',
  'deploy',
  '!deploy/Dockerfile',
] as const;

/** The daemon image, built from the repository root with `deploy/Dockerfile` for the control plane's CPU. */
export function daemonImage(repoRoot: string, arm64 = false): ecs.ContainerImage {
  return ecs.ContainerImage.fromAsset(repoRoot, {
    file: 'deploy/Dockerfile',
    platform: arm64 ? assets.Platform.LINUX_ARM64 : assets.Platform.LINUX_AMD64,
    exclude: [...DAEMON_IMAGE_EXCLUDE],
    ignoreMode: IgnoreMode.DOCKER,
  });
}
