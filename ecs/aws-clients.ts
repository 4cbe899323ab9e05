import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { EFSClient } from '@aws-sdk/client-efs';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';

/** The Global Accelerator API is served only from this region, wherever the endpoints are. */
export const GLOBAL_ACCELERATOR_API_REGION = 'us-west-2';

/**
 * What every client factory accepts. Leave `credentials` unset in production (the SDK's default
 * chain: task role, instance profile). Tests pass static credentials and a no-delay retry strategy.
 */
export interface AwsClientOptions {
  credentials?: ECSClientConfig['credentials'];
  /** Overrides the SDK's standard retry strategy (3 attempts, throttling backoff with a 500 ms base). */
  retryStrategy?: ECSClientConfig['retryStrategy'];
  /** Attempts per call with the standard strategy; ignored when `retryStrategy` is given. */
  maxAttempts?: number;
}

function baseConfig(region: string, options: AwsClientOptions) {
  return {
    region,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.retryStrategy === undefined ? {} : { retryStrategy: options.retryStrategy }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
}

/** ECS client for `region`. */
export function createEcsClient(region: string, options: AwsClientOptions = {}): ECSClient {
  return new ECSClient(baseConfig(region, options));
}

/** EC2 client for `region` (DescribeInstances only). */
export function createEc2Client(region: string, options: AwsClientOptions = {}): EC2Client {
  return new EC2Client(baseConfig(region, options));
}

/** EFS client for `region`. */
export function createEfsClient(region: string, options: AwsClientOptions = {}): EFSClient {
  return new EFSClient(baseConfig(region, options));
}

/** Global Accelerator client; always {@link GLOBAL_ACCELERATOR_API_REGION}, there is no region to choose. */
export function createGlobalAcceleratorClient(options: AwsClientOptions = {}): GlobalAcceleratorClient {
  return new GlobalAcceleratorClient(baseConfig(GLOBAL_ACCELERATOR_API_REGION, options));
}
