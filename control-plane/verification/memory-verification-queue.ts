import type { DomainStatus, Hostname } from '../types.ts';
import type { Transition } from './lifecycle.ts';
import type { VerificationFindings, VerificationPolicy } from './types.ts';
import { type CheckState, type DueDomain, INITIAL_CHECK_STATE, type VerificationQueue } from './verification-queue.ts';

/** One domain as {@link MemoryVerificationQueue} keeps it. */
export interface MemoryDomain extends DueDomain {
  reason: string;
  nextCheckAt: number | null;
  findings: VerificationFindings | null;
  history: Transition[];
}

/**
 * A {@link VerificationQueue} in memory: the reference for what the SQLite store must do, and the
 * queue for tests above the store.
 */
export class MemoryVerificationQueue implements VerificationQueue {
  readonly domains = new Map<string, MemoryDomain>();

  /** Registers a domain due at `now`. */
  add(
    hostname: string,
    policy: VerificationPolicy,
    now: number,
    token: string | null = null,
    status: DomainStatus = 'pending',
  ): MemoryDomain {
    const domain: MemoryDomain = {
      hostname: hostname as Hostname,
      status,
      policy,
      token,
      movedAt: null,
      state: INITIAL_CHECK_STATE,
      reason: 'registered',
      nextCheckAt: now,
      findings: null,
      history: [],
    };
    this.domains.set(hostname, domain);
    return domain;
  }

  get(hostname: string): MemoryDomain {
    const domain = this.domains.get(hostname);
    if (!domain) throw new Error(`no such domain: ${hostname}`);
    return domain;
  }

  due(now: number, limit: number): DueDomain[] {
    return [...this.domains.values()]
      .filter(
        (d) => ['pending', 'active', 'moved'].includes(d.status) && d.nextCheckAt !== null && d.nextCheckAt <= now,
      )
      .sort((a, b) => (a.nextCheckAt ?? 0) - (b.nextCheckAt ?? 0))
      .slice(0, limit)
      .map(({ hostname, status, policy, token, movedAt, state }) => ({
        hostname,
        status,
        policy,
        token,
        movedAt,
        state,
      }));
  }

  record(
    hostname: Hostname,
    findings: VerificationFindings,
    transition: Transition | null,
    nextCheckAt: number | null,
    state: CheckState,
  ): void {
    const domain = this.get(hostname);
    domain.findings = findings;
    domain.state = state;
    domain.nextCheckAt = nextCheckAt;
    if (!transition) return;
    if (transition.status === 'moved' && domain.status !== 'moved') domain.movedAt = Date.parse(findings.checkedAt);
    if (transition.status !== 'moved') domain.movedAt = null;
    domain.status = transition.status;
    domain.reason = transition.reason;
    domain.history.push(transition);
  }
}
