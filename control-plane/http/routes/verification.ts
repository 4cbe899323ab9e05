import { isIP } from 'node:net';
import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { canonicalizeHostname } from '../../hostname/index.ts';
import type { Domain } from '../../store/domain.ts';
import type { DomainRepo } from '../../store/domain-repo.ts';
import type { Hostname } from '../../types.ts';
import { effectivePolicy } from '../../verification/settings.ts';
import type { VerificationService } from '../../verification/start-verification.ts';
import { txtRecordName } from '../../verification/token.ts';
import type { VerificationFindings, VerificationPolicy } from '../../verification/types.ts';
import type { AppEnv } from '../app-env.ts';
import type { ApiDocs } from '../openapi.ts';
import { domainVerificationJson, type requiredDnsRecord, verifyResultJson } from '../schemas.ts';

export interface VerificationRoutesDeps {
  domains: DomainRepo;
  verification: Pick<VerificationService, 'checkNow' | 'settings' | 'queue'>;
}

type RequiredRecord = z.infer<typeof requiredDnsRecord>;

const hostnameParam = z.object({ hostname: z.string().meta({ description: 'A-label or U-label hostname' }) });

function lookupHostname(input: string): Hostname {
  const r = canonicalizeHostname(input);
  if (!r.ok) {
    throw new ValidationError(
      r.message,
      [{ path: 'path.hostname', code: r.code, message: r.message }],
      'INVALID_HOSTNAME',
    );
  }
  return r.hostname;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Findings in the API's snake_case. */
function findingsToJson(f: VerificationFindings) {
  const { checkedAt, ...rest } = f;
  return { ...rest, checked_at: checkedAt };
}

/** What the customer must publish for a policy: a CNAME or the static addresses (`dns`), or the TXT token. */
export function requiredRecords(
  domain: Pick<Domain, 'hostname' | 'verificationToken'>,
  policy: VerificationPolicy,
  settings: { dnsTarget: string; staticIps: readonly string[] },
): RequiredRecord[] {
  if (policy === 'txt') {
    return [
      { type: 'TXT', name: txtRecordName(domain.hostname), value: domain.verificationToken ?? '', option: 'txt' },
    ];
  }
  if (policy !== 'dns') return [];
  const out: RequiredRecord[] = [];
  if (settings.dnsTarget)
    out.push({ type: 'CNAME', name: domain.hostname, value: settings.dnsTarget, option: 'cname' });
  for (const ip of settings.staticIps) {
    out.push({ type: isIP(ip) === 6 ? 'AAAA' : 'A', name: domain.hostname, value: ip, option: 'addresses' });
  }
  return out;
}

/**
 * `/v1/domains/{hostname}/verification` (what to publish and what the checker last found) and
 * `/v1/domains/{hostname}/verify` (check now). A check of a `none` domain is a trivial pass with no
 * DNS lookups (200; it activates a pending domain whose policy was changed to `none`); blocked and
 * deleted domains are not verified (409 VERIFICATION_NOT_APPLICABLE).
 */
export function verificationRoutes(deps: VerificationRoutesDeps, docs: ApiDocs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { domains, verification } = deps;
  const { settings } = verification;

  docs.add({
    method: 'get',
    path: '/v1/domains/{hostname}/verification',
    summary: 'The DNS records the customer must create, and what the latest check found',
    tags: ['verification'],
    auth: 'bearer',
    params: hostnameParam,
    responses: { 200: { description: 'Verification state', schema: domainVerificationJson } },
    problems: [400, 404],
  });
  app.get('/:hostname/verification', (c) => {
    const hostname = lookupHostname(c.req.param('hostname'));
    const domain = domains.get(hostname);
    if (!domain) throw new NotFoundError('DOMAIN_NOT_FOUND', `domain ${hostname} not found`);
    const policy = effectivePolicy(domain.verification, settings);
    const stored = verification.queue.get(hostname);
    const graceEnd =
      domain.status === 'moved' && domain.movedAt !== null ? domain.movedAt + settings.schedule.movedGraceMs : null;
    return c.json({
      hostname,
      status: domain.status,
      status_reason: domain.statusReason,
      policy,
      override: domain.verification,
      records: requiredRecords(domain, policy, settings),
      caa_must_allow: policy === 'none' ? [] : [...settings.caDomains],
      findings: stored?.findings ? findingsToJson(stored.findings) : null,
      last_checked_at: iso(stored?.lastCheckedAt ?? null),
      next_check_at: iso(stored?.nextCheckAt ?? null),
      moved_at: iso(domain.movedAt),
      grace_ends_at: iso(graceEnd),
    });
  });

  docs.add({
    method: 'post',
    path: '/v1/domains/{hostname}/verify',
    summary: 'Check the domain now; the resulting status change is applied and recorded',
    tags: ['verification'],
    auth: 'bearer',
    params: hostnameParam,
    responses: { 200: { description: 'The check and its effect', schema: verifyResultJson } },
    problems: [400, 404, 409],
  });
  app.post('/:hostname/verify', async (c) => {
    const hostname = lookupHostname(c.req.param('hostname'));
    const result = await verification.checkNow(hostname);
    const after = domains.get(hostname);
    return c.json({
      hostname,
      previous_status: result.previousStatus,
      status: after?.status ?? result.transition?.status ?? result.previousStatus,
      status_reason: after?.statusReason ?? null,
      transition: result.transition,
      findings: findingsToJson(result.findings),
      next_check_at: iso(result.nextCheckAt),
    });
  });

  return app;
}
