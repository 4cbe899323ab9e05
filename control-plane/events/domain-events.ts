import { type Domain, domainToJson } from '../store/domain.ts';
import type { ChangeAction, DomainRepo } from '../store/domain-repo.ts';
import type { VerificationPolicy } from '../verification/types.ts';
import type { EventSink, EventType } from './event-sink.ts';

const TYPE_OF: Record<ChangeAction, EventType> = {
  created: 'domain.created',
  updated: 'domain.updated',
  deleted: 'domain.deleted',
  status_changed: 'domain.status_changed',
};

/** Fields that differ between two states of a domain (API names). */
function changedFields(before: Domain | null, after: Domain | null): string[] {
  if (!before || !after) return [];
  const out: string[] = [];
  if (before.status !== after.status) out.push('status');
  if (before.statusReason !== after.statusReason) out.push('status_reason');
  if (before.upstream !== after.upstream) out.push('upstream');
  if (JSON.stringify(before.metadata) !== JSON.stringify(after.metadata)) out.push('metadata');
  return out;
}

/**
 * The `data` of a domain event: the hostname, status before and after (null where the domain did not
 * exist), upstream, reason, actor, the changed fields, and the domain as the API shows it (its last
 * state for `domain.deleted`).
 */
export function domainEventData(
  change: {
    before: Domain | null;
    after: Domain | null;
    actor: string;
  },
  defaultPolicy?: VerificationPolicy,
): Record<string, unknown> {
  const { before, after, actor } = change;
  const current = (after ?? before)!;
  return {
    hostname: current.hostname,
    hostname_unicode: current.hostnameUnicode,
    status: after?.status ?? null,
    previous_status: before?.status ?? null,
    upstream: current.upstream,
    previous_upstream: before && after && before.upstream !== after.upstream ? before.upstream : undefined,
    reason: after ? after.statusReason : null,
    actor,
    changed: changedFields(before, after),
    domain: domainToJson(current, defaultPolicy),
  };
}

/**
 * Publishes every DomainRepo change as `domain.created|updated|deleted|status_changed`. The listener runs
 * inside the write transaction, so with the SQLite outbox the event and the change commit together
 * (and a failing emit rolls the change back).
 */
export function attachDomainEvents(
  domains: Pick<DomainRepo, 'onChange'>,
  sink: EventSink,
  defaultPolicy?: VerificationPolicy,
): void {
  domains.onChange((change) => {
    sink.emit(TYPE_OF[change.action], domainEventData(change, defaultPolicy));
  });
}
