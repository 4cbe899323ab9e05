import type { Config } from '../config.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { VerificationRepo } from '../store/verification-repo.ts';
import type { Hostname } from '../types.ts';
import type { DnsLookup } from './dns-lookup.ts';
import { parseDnsServers } from './dns-servers.ts';
import { NodeDnsLookup } from './node-dns-lookup.ts';
import { DEFAULT_SCHEDULE_SETTINGS, DEFAULT_VERIFICATION_SETTINGS, type VerificationSettings } from './settings.ts';
import { type CheckResult, VerificationChecker, type VerificationCheckerOptions } from './verification-checker.ts';

/** The slice of the daemon config verification reads. */
export type VerificationConfig = Pick<
  Config,
  | 'verification'
  | 'dnsTarget'
  | 'staticIps'
  | 'dnsServers'
  | 'caDomains'
  | 'dnsTimeout'
  | 'verifyInterval'
  | 'verifyGiveUp'
  | 'movedGrace'
>;

export interface VerificationServiceDeps {
  config: VerificationConfig;
  store: Pick<Store, 'db' | 'domains'>;
  logger: Logger;
  /** Replaces the `node:dns` lookup (tests). */
  lookup?: DnsLookup;
  /** Epoch ms for every check and re-queue (tests). Default `Date.now`. */
  clock?: () => number;
}

/** The wired verification engine: the periodic checker plus checks on demand for the API. */
export interface VerificationService {
  checker: VerificationChecker;
  queue: VerificationRepo;
  settings: VerificationSettings;
  /**
   * Checks one domain now through the checker's own code path (findings, transition, audit, schedule
   * recorded). DOMAIN_NOT_FOUND for an unknown domain, VERIFICATION_NOT_APPLICABLE for a blocked or
   * deleted one. A pending domain the checker gave up on starts a new episode.
   */
  checkNow(hostname: Hostname, now?: number): Promise<CheckResult>;
  /** Syncs the schedule with the domains and starts the periodic checker. */
  start(): void;
  /** Stops the checker and waits for a pass in flight. */
  stop(): Promise<void>;
}

/** Maps the daemon config to the engine's settings (durations in ms). */
export function verificationSettingsFrom(config: VerificationConfig): VerificationSettings {
  const dnsTimeoutMs = Math.max(1, config.dnsTimeout);
  return {
    ...DEFAULT_VERIFICATION_SETTINGS,
    verification: config.verification,
    dnsTarget: (config.dnsTarget ?? '').toLowerCase().replace(/\.$/, ''),
    staticIps: config.staticIps,
    caDomains: config.caDomains,
    dnsServers: parseDnsServers(config.dnsServers, 'dnsServers'),
    dnsTimeoutMs,
    // c-ares doubles the timeout on the second try: t + 2t, plus slack, stays under 2.5t.
    dnsDeadlineMs: Math.round(dnsTimeoutMs * 2.5),
    schedule: {
      ...DEFAULT_SCHEDULE_SETTINGS,
      giveUpAfterMs: config.verifyGiveUp,
      movedGraceMs: config.movedGrace,
    },
  };
}

const CHECKED = new Set(['pending', 'active', 'moved']);

/**
 * Wires verification from the config: the SQLite queue, a `node:dns` lookup on the configured
 * servers, and the checker (every `verifyInterval`). Nothing runs until `start()`.
 *
 * @example
 * const verification = createVerificationService({ config, store, logger });
 * verification.start(); // ... await verification.stop();
 */
export function createVerificationService(deps: VerificationServiceDeps): VerificationService {
  const { config, store } = deps;
  const clock = deps.clock ?? Date.now;
  const log = deps.logger.child({ component: 'verification' });
  const settings = verificationSettingsFrom(config);
  const lookup =
    deps.lookup ??
    new NodeDnsLookup({
      servers: settings.dnsServers,
      timeoutMs: settings.dnsTimeoutMs,
      tries: settings.dnsTries,
      deadlineMs: settings.dnsDeadlineMs,
    });
  const queue = new VerificationRepo(store.db, store.domains, { verification: settings.verification, now: clock });
  const options: VerificationCheckerOptions = {
    source: queue,
    lookup,
    settings,
    intervalMs: config.verifyInterval,
    clock,
    onResult: (r) => {
      if (r.transition) {
        log.info(
          { domain: r.hostname, from: r.previousStatus, to: r.transition.status, reason: r.transition.reason },
          'verification changed status',
        );
      }
    },
    onError: (hostname, err) => log.error({ domain: hostname, err }, 'verification check failed'),
  };
  const checker = new VerificationChecker(options);

  return {
    checker,
    queue,
    settings,
    async checkNow(hostname, now = clock()) {
      const due = queue.dueDomain(hostname);
      if (!due) throw new NotFoundError('DOMAIN_NOT_FOUND', `domain ${hostname} not found`);
      if (!CHECKED.has(due.status)) {
        throw new AppError('VERIFICATION_NOT_APPLICABLE', `${due.status} domains are not verified`, {
          details: { domain_status: due.status },
        });
      }
      let failure: unknown;
      const once = new VerificationChecker({
        ...options,
        source: { due: () => [due], record: (...args) => queue.record(...args) },
        onError: (_hostname, err) => {
          failure = err;
        },
      });
      const [result] = await once.runOnce(now);
      if (!result) throw failure;
      return result;
    },
    start() {
      const synced = queue.sync(clock());
      if (synced > 0) log.info({ domains: synced }, 'verification schedule synced');
      checker.start();
    },
    stop: () => checker.stop(),
  };
}
