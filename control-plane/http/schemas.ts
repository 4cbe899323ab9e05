import { z } from 'zod';
import { MAX_METADATA_BYTES } from '../store/domain.ts';
import { DOMAIN_STATUSES } from '../types.ts';
import { VERIFICATION_POLICIES } from '../verification/types.ts';

/** Request and response schemas of REST API v1: they validate requests AND generate the OpenAPI document. */

export const hostnameInput = z
  .string()
  .min(1)
  .max(1024)
  .meta({ description: 'A hostname; U-labels accepted (stored as lowercase A-labels)', example: 'blog.customer.com' });

export const upstreamInput = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
  .nullable()
  .meta({ description: 'Name of a configured upstream (CADDY_FLEET_UPSTREAMS); null for the default upstream' });

export const metadataInput = z
  .record(z.string(), z.unknown())
  .refine((m) => Buffer.byteLength(JSON.stringify(m), 'utf8') <= MAX_METADATA_BYTES, {
    message: `metadata must serialize to at most ${MAX_METADATA_BYTES} bytes of JSON`,
  })
  .meta({ description: `Free-form JSON object, at most ${MAX_METADATA_BYTES} bytes serialized` });

export const verificationPolicy = z.enum(VERIFICATION_POLICIES).meta({
  description:
    'How a domain proves it belongs here: `none` (registered = active), `dns` (CNAME to the fleet target or A/AAAA to its static IPs), `txt` (ownership token at `_caddy-fleet.<hostname>`)',
});

export const verificationInput = verificationPolicy.nullable().meta({
  description:
    "The domain's own verification policy (`none`, `dns`, `txt`); null = the deployment default. Absent on an update = unchanged",
});

export const createDomainBody = z.strictObject({
  hostname: hostnameInput,
  upstream: upstreamInput.optional(),
  metadata: metadataInput.optional(),
  verification: verificationInput.optional(),
});

export const putDomainBody = z.strictObject({
  upstream: upstreamInput.optional(),
  metadata: metadataInput.optional(),
  verification: verificationInput.optional(),
});

export const patchDomainBody = z
  .strictObject({
    upstream: upstreamInput.optional(),
    metadata: metadataInput.optional(),
    status: z.enum(['active', 'blocked']).optional().meta({ description: 'Operators may activate or block a domain' }),
    status_reason: z.string().max(500).nullable().optional(),
    verification: verificationInput.optional(),
    rotate_verification_token: z
      .literal(true)
      .optional()
      .meta({ description: 'Replace the TXT ownership token with a fresh one (the old record stops counting)' }),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field is required' });

export const MAX_BULK_ITEMS = 10_000;

export const bulkBody = z.strictObject({
  domains: z
    .array(createDomainBody)
    .min(1)
    .max(MAX_BULK_ITEMS)
    .meta({ description: `1 to ${MAX_BULK_ITEMS} domains; all are applied or none` }),
});

/** The bulk envelope alone: items are validated one by one so every invalid index is reported. */
export const bulkEnvelope = z.strictObject({ domains: z.array(z.unknown()).min(1).max(MAX_BULK_ITEMS) });

export const domainStatus = z.enum(DOMAIN_STATUSES);

export const listQuery = z.strictObject({
  status: domainStatus.optional(),
  q: z.string().min(1).max(253).optional().meta({ description: 'Substring of the hostname (A- or U-label form)' }),
  limit: z
    .string()
    .regex(/^\d{1,4}$/)
    .refine((v) => Number(v) >= 1 && Number(v) <= 1000, 'limit must be between 1 and 1000')
    .optional()
    .meta({ description: 'Page size, 1–1000 (default 100)' }),
  cursor: z.string().max(400).optional().meta({ description: 'next_cursor of the previous page' }),
});

export const eventsQuery = z.strictObject({
  limit: listQuery.shape.limit,
  cursor: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
});

export const domainJson = z
  .object({
    hostname: z.string(),
    hostname_unicode: z.string(),
    status: domainStatus,
    status_reason: z.string().nullable(),
    upstream: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    verification: z.object({
      policy: verificationPolicy.nullable().meta({ description: 'The policy that applies to the domain' }),
      override: verificationPolicy
        .nullable()
        .meta({ description: "The domain's own policy; null = the deployment default" }),
    }),
    moved_at: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When the domain became `moved`; ask allows it until its grace period ends' }),
  })
  .meta({ id: 'Domain' });

export const domainPage = z.object({ items: z.array(domainJson), next_cursor: z.string().nullable() });

export const auditEventJson = z.object({
  id: z.number().int(),
  hostname: z.string(),
  action: z.enum(['created', 'updated', 'deleted', 'status_changed']),
  actor: z.string(),
  at: z.iso.datetime(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
});

export const eventPage = z.object({ items: z.array(auditEventJson), next_cursor: z.string().nullable() });

export const bulkResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});

export const problemJson = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

const checkOutcome = z.enum(['pass', 'fail', 'inconclusive']);

export const verificationFindingsJson = z
  .object({
    policy: verificationPolicy,
    pass: z.boolean().meta({ description: 'Every part passed' }),
    outcome: checkOutcome.meta({
      description: '`inconclusive`: DNS gave no answer (SERVFAIL, timeout); it never changes an active domain',
    }),
    checks: z.object({ dns: checkOutcome.optional(), txt: checkOutcome.optional(), caa: checkOutcome.optional() }),
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    records: z.object({
      cname: z.array(z.string()).meta({ description: 'CNAME chain, starting with the hostname’s own CNAME' }),
      a: z.array(z.string()),
      aaaa: z.array(z.string()),
      txt: z.array(z.string()).meta({ description: 'TXT values at `_caddy-fleet.<hostname>`' }),
      caa: z
        .object({
          name: z.string(),
          records: z.array(z.object({ flags: z.number().int(), tag: z.string(), value: z.string() })),
        })
        .nullable(),
    }),
    checked_at: z.iso.datetime(),
  })
  .meta({ id: 'VerificationFindings' });

export const requiredDnsRecord = z.object({
  type: z.enum(['CNAME', 'A', 'AAAA', 'TXT']),
  name: z.string(),
  value: z.string(),
  option: z.enum(['cname', 'addresses', 'txt']).meta({
    description:
      '`dns`: create EITHER the `cname` record OR every `addresses` record (apex names cannot have a CNAME); `txt`: the TXT record',
  }),
});

export const domainVerificationJson = z
  .object({
    hostname: z.string(),
    status: domainStatus,
    status_reason: z.string().nullable(),
    policy: verificationPolicy.meta({ description: 'The effective policy' }),
    override: verificationPolicy.nullable(),
    records: z.array(requiredDnsRecord).meta({ description: 'The DNS records the customer must create' }),
    caa_must_allow: z
      .array(z.string())
      .meta({ description: 'If the name has CAA records, they must allow one of these CAs' }),
    findings: verificationFindingsJson.nullable().meta({ description: 'The latest check; null before the first' }),
    last_checked_at: z.iso.datetime().nullable(),
    next_check_at: z.iso.datetime().nullable().meta({ description: 'null: not checked again unless asked' }),
    moved_at: z.iso.datetime().nullable(),
    grace_ends_at: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'For a moved domain: when ask stops allowing it and it becomes deleted' }),
  })
  .meta({ id: 'DomainVerification' });

export const verifyResultJson = z
  .object({
    hostname: z.string(),
    previous_status: domainStatus,
    status: domainStatus,
    status_reason: z.string().nullable(),
    transition: z.object({ status: domainStatus, reason: z.string() }).nullable(),
    findings: verificationFindingsJson,
    next_check_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'VerifyResult' });
