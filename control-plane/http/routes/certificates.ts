import { relative } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { removeCertificates } from '../../certificates/cert-storage.ts';
import type { CertificateInventory, InventoryEntry } from '../../certificates/certificate-inventory.ts';
import {
  certificateJson,
  certificateStatus,
  certificateSummaryJson,
  certificateToJson,
  summaryToJson,
} from '../../certificates/certificate-json.ts';
import { isStorageHostname } from '../../certificates/storage-name.ts';
import { AppError, NotFoundError, ValidationError } from '../../errors.ts';
import { canonicalizeHostname } from '../../hostname/index.ts';
import { isServable } from '../../store/domain.ts';
import type { DomainRepo } from '../../store/domain-repo.ts';
import type { AppEnv } from '../app-env.ts';
import type { ApiDocs } from '../openapi.ts';
import { listQuery as domainListQuery } from '../schemas.ts';
import { parseWith, readJsonBody } from '../validate.ts';

export interface CertificateRoutesDeps {
  /** Reads Caddy's storage (cached); invalidated here after a delete. */
  certificates: CertificateInventory;
  domains: Pick<DomainRepo, 'askStatus'>;
  /** Caddy's `file_system` storage root (the shared EFS mount in production). */
  storageRoot: string;
}

const hostnameParam = z.object({ hostname: z.string().meta({ description: 'A-label or U-label hostname' }) });
const listQuery = z.strictObject({
  status: certificateStatus.optional(),
  limit: domainListQuery.shape.limit,
  cursor: z.string().max(800).optional().meta({ description: 'next_cursor of the previous page' }),
});
const certificatePage = z.object({
  summary: certificateSummaryJson.nullable().meta({ description: 'On the first page only (no cursor)' }),
  items: z.array(certificateJson),
  next_cursor: z.string().nullable(),
});
const domainCertificate = z.object({
  hostname: z.string(),
  domain_status: z.string().nullable(),
  status: z.enum([...certificateStatus.options, 'missing']).meta({
    description: 'Status of the stored certificate that expires last, `missing` when none is stored',
  }),
  certificates: z.array(certificateJson),
});
const deleteBody = z.strictObject({
  confirm: z.string().max(1024).meta({ description: 'The hostname again, to confirm the delete' }),
});
const deleteResult = z.object({
  hostname: z.string(),
  removed: z.array(z.string()).meta({ description: 'Removed folders, relative to the storage root' }),
});

/**
 * A hostname as certificate storage names it. Canonical when possible; otherwise any lowercase LDH
 * name, because storage can hold names the domain API never accepts (`.test` names of a test fleet).
 */
function storageHostname(input: string): string {
  const r = canonicalizeHostname(input);
  if (r.ok) return r.hostname;
  const lower = input.toLowerCase().replace(/\.$/, '');
  if (isStorageHostname(lower)) return lower;
  throw new ValidationError(
    r.message,
    [{ path: 'path.hostname', code: r.code, message: r.message }],
    'INVALID_HOSTNAME',
  );
}

const keyOf = (e: InventoryEntry) => `${e.hostname}\n${e.issuerKey}`;
const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[^\n/]{1,300}\n[^\n/]{1,300}$/.test(key) || encodeCursor(key) !== cursor) {
    throw new AppError('INVALID_CURSOR', 'cursor is not one this API returned');
  }
  return key;
}

/** `/v1/certificates` and `/v1/domains/{hostname}/certificate`: what Caddy's storage holds. Mount at `/v1`. */
export function certificateRoutes(deps: CertificateRoutesDeps, docs: ApiDocs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { certificates, domains } = deps;

  docs.add({
    method: 'get',
    path: '/v1/certificates',
    summary: "Certificates in Caddy's storage: summary and a filtered page",
    tags: ['certificates'],
    auth: 'bearer',
    query: listQuery,
    responses: { 200: { description: 'Summary (first page) and a page of certificates', schema: certificatePage } },
    problems: [400, 503],
  });
  app.get('/certificates', async (c) => {
    const q = parseWith(listQuery, c.req.query(), 'query');
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const entries = await certificates.entries();
    const items: InventoryEntry[] = [];
    let more = false;
    for (const e of entries) {
      if ((q.status !== undefined && e.status !== q.status) || (after !== undefined && keyOf(e) <= after)) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(e);
    }
    return c.json({
      summary: after === undefined ? summaryToJson(await certificates.summary()) : null,
      items: items.map(certificateToJson),
      next_cursor: more ? encodeCursor(keyOf(items[items.length - 1]!)) : null,
    });
  });

  docs.add({
    method: 'get',
    path: '/v1/domains/{hostname}/certificate',
    summary: "A domain's stored certificates (issuer, validity, status)",
    tags: ['certificates'],
    auth: 'bearer',
    params: hostnameParam,
    responses: { 200: { description: 'The stored certificates for the name', schema: domainCertificate } },
    problems: [400, 404, 503],
  });
  app.get('/domains/:hostname/certificate', async (c) => {
    const hostname = storageHostname(c.req.param('hostname'));
    const domainStatus = domains.askStatus(hostname) ?? null;
    const stored = await certificates.forDomain(hostname);
    if (domainStatus === null && stored.length === 0) {
      throw new NotFoundError('DOMAIN_NOT_FOUND', `no domain and no stored certificate for ${hostname}`);
    }
    let current: InventoryEntry | undefined;
    for (const e of stored) if (e.info && (!current || e.info.notAfter > current.info!.notAfter)) current = e;
    return c.json({
      hostname,
      domain_status: domainStatus,
      status: current?.status ?? (stored.length > 0 ? 'unparseable' : 'missing'),
      certificates: stored.map(certificateToJson),
    });
  });

  docs.add({
    method: 'delete',
    path: '/v1/certificates/{hostname}',
    summary: 'Delete an orphaned certificate from storage (body must confirm the hostname)',
    tags: ['certificates'],
    auth: 'bearer',
    params: hostnameParam,
    body: deleteBody,
    responses: { 200: { description: 'Removed folders', schema: deleteResult } },
    problems: [400, 404, 409, 415, 503],
  });
  app.delete('/certificates/:hostname', async (c) => {
    const hostname = storageHostname(c.req.param('hostname'));
    const body = parseWith(deleteBody, await readJsonBody(c, 4096), 'body');
    if (body.confirm !== hostname) {
      const message = `confirm must be exactly "${hostname}"`;
      throw new ValidationError(message, [{ path: 'body.confirm', code: 'CONFIRM_MISMATCH', message }]);
    }
    const status = domains.askStatus(hostname);
    if (status !== undefined && isServable(status)) {
      throw new AppError(
        'CERTIFICATE_IN_USE',
        `${hostname} is an ${status} domain; only orphaned certificates can be deleted`,
        {
          details: { domain_status: status },
        },
      );
    }
    const removed = await removeCertificates(deps.storageRoot, hostname);
    certificates.invalidate();
    if (removed.length === 0) throw new AppError('CERTIFICATE_NOT_FOUND', `no stored certificate for ${hostname}`);
    return c.json({ hostname, removed: removed.map((dir) => relative(deps.storageRoot, dir)) });
  });

  return app;
}
