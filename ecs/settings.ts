/**
 * The settings slices the AWS adapters take. `control-plane/config.ts` parses the environment
 * (`CADDY_FLEET_*`) with zod and hands each adapter only its slice; nothing here reads `process.env`.
 */

/** Where the Caddy tasks run: one ECS service on EC2 capacity, host networking. */
export interface EcsDiscoverySettings {
  /** `CADDY_FLEET_AWS_REGION`, e.g. `us-east-1`. */
  region: string;
  /** `CADDY_FLEET_ECS_CLUSTER`: cluster name or ARN. */
  cluster: string;
  /** `CADDY_FLEET_ECS_SERVICE`: the Caddy service's name. */
  service: string;
  /** `CADDY_FLEET_CADDY_ADMIN_PORT`: port of Caddy's admin API on each instance's private IP, e.g. 2019. */
  adminPort: number;
}

/** The Global Accelerator endpoint group that follows the in-sync Caddy instances. */
export interface AcceleratorSettings {
  /** `CADDY_FLEET_GA_ENDPOINT_GROUP_ARN`. The GA API itself is always called in us-west-2. */
  endpointGroupArn: string;
  /** `CADDY_FLEET_GA_DRAIN_SECONDS`: how long a leaving endpoint stays at weight 0 before it is removed. */
  drainSeconds: number;
  /** `CADDY_FLEET_GA_DRY_RUN`: plan and report, never call UpdateEndpointGroup. */
  dryRun: boolean;
}

/** The EFS file system that holds Caddy's certificate storage, and what it should look like. */
export interface EfsSettings {
  /** `CADDY_FLEET_AWS_REGION`. */
  region: string;
  /** `CADDY_FLEET_EFS_FILE_SYSTEM_ID`, e.g. `fs-0123456789abcdef0`. */
  fileSystemId: string;
  /** `CADDY_FLEET_EFS_ACCESS_POINT_ID`; when unset the access point is not checked. */
  accessPointId?: string;
  /** `CADDY_FLEET_EFS_POSIX_UID`: the access point's expected POSIX user id. */
  posixUid?: number;
  /** `CADDY_FLEET_EFS_POSIX_GID`: the access point's expected POSIX group id. */
  posixGid?: number;
  /** `CADDY_FLEET_EFS_ROOT_DIRECTORY`: the access point's expected root directory path, e.g. `/caddy`. */
  rootDirectory?: string;
}
