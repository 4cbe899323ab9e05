import type { VerificationPolicy } from './types.ts';

/** What a check compares DNS against. */
export interface CheckSettings {
  /** The hostname customers CNAME to (lowercase, no trailing dot); empty = CNAME checks always fail. */
  dnsTarget: string;
  /** The fleet's static addresses (Global Accelerator IPs), IPv4 and IPv6. */
  staticIps: readonly string[];
  /** CA identities as they appear in CAA `issue` values (e.g. `letsencrypt.org`); empty = CAA not checked. */
  caDomains: readonly string[];
  /** Longest CNAME chain followed before giving up with CNAME_CHAIN_TOO_LONG. */
  maxCnameHops: number;
}

/** When checks run and when a domain changes status (all durations in ms). */
export interface ScheduleSettings {
  /** First wait between checks of a pending domain; it doubles (see `backoffFactor`) after each failed check. */
  initialIntervalMs: number;
  backoffFactor: number;
  /** Longest wait between checks of a pending domain (daily). */
  maxIntervalMs: number;
  /** Wait after an inconclusive check (SERVFAIL, timeout) of a pending domain, if shorter than the backoff. */
  inconclusiveRetryMs: number;
  /** A pending domain that has not passed this long after its first check stops being checked. */
  giveUpAfterMs: number;
  /** Wait between checks of an active `dns` domain while it passes. */
  activeRecheckMs: number;
  /** Wait between checks of an active domain while it is failing (confirming a move quickly). */
  failingRecheckMs: number;
  /** Wait between checks of a moved domain. */
  movedRecheckMs: number;
  /** An active domain becomes moved only after this many consecutive failed checks ... */
  movedAfterFailures: number;
  /** ... spanning at least this long (first to latest failure), to ride out DNS blips. */
  movedAfterMs: number;
  /** A moved domain is still asked for this long (so renewals work while DNS is fixed), then deleted. */
  movedGraceMs: number;
}

/** Everything the verification engine is configured with (the lead maps env → this). */
export interface VerificationSettings extends CheckSettings {
  /** The deployment's default policy; a domain may override it. */
  verification: VerificationPolicy;
  /** DNS servers (`host:port`, IPv6 bracketed); empty = the system's resolvers. */
  dnsServers: readonly string[];
  dnsTimeoutMs: number;
  dnsTries: number;
  /** Hard limit for a single lookup. */
  dnsDeadlineMs: number;
  schedule: ScheduleSettings;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Defaults: checks after 1, 2, 4 ... minutes, then hours, then daily; give up after 7 days; move after 3 failures over 30 min. */
export const DEFAULT_SCHEDULE_SETTINGS: ScheduleSettings = {
  initialIntervalMs: MINUTE,
  backoffFactor: 2,
  maxIntervalMs: DAY,
  inconclusiveRetryMs: 5 * MINUTE,
  giveUpAfterMs: 7 * DAY,
  activeRecheckMs: HOUR,
  failingRecheckMs: 10 * MINUTE,
  movedRecheckMs: HOUR,
  movedAfterFailures: 3,
  movedAfterMs: 30 * MINUTE,
  movedGraceMs: 7 * DAY,
};

/** Defaults for everything but the deployment-specific target, addresses and CAs. */
export const DEFAULT_VERIFICATION_SETTINGS: VerificationSettings = {
  verification: 'dns',
  dnsTarget: '',
  staticIps: [],
  caDomains: ['letsencrypt.org'],
  maxCnameHops: 8,
  dnsServers: [],
  dnsTimeoutMs: 2_000,
  dnsTries: 2,
  dnsDeadlineMs: 5_000,
  schedule: DEFAULT_SCHEDULE_SETTINGS,
};

/** The policy that applies to a domain: its own override, else the deployment's default. */
export function effectivePolicy(
  override: VerificationPolicy | null | undefined,
  settings: { verification: VerificationPolicy },
): VerificationPolicy {
  return override ?? settings.verification;
}
