import { Hono } from 'hono';
import { z } from 'zod';
import { AppError, type FieldIssue, NotFoundError, ValidationError } from '../../errors.ts';
import { canonicalizeHostname, type HostnamePolicy } from '../../hostname/index.ts';
import { type Domain, domainToJson } from '../../store/domain.ts';
import type { DomainInput, DomainRepo } from '../../store/domain-repo.ts';
import type { DomainStatus, Hostname } from '../../types.ts';
import { effectivePolicy } from '../../verification/settings.ts';
import { generateVerificationToken } from '../../verification/token.ts';
import type { VerificationPolicy } from '../../verification/types.ts';
import type { AppEnv } from '../app-env.ts';
import type { ApiDocs } from '../openapi.ts';
import {
  bulkBody,
  bulkEnvelope,
  bulkResult,
  createDomainBody,
  domainJson,
  domainPage,
  eventPage,
  eventsQuery,
  listQuery,
  patchDomainBody,
  putDomainBody,
} from '../schemas.ts';
import { parseWith, readJsonBody, toFieldIssues } from '../validate.ts';

export interface DomainRoutesDeps {
  domains: DomainRepo;
  hostnamePolicy: HostnamePolicy;
  upstreamNames: ReadonlySet<string>;
  /**
   * The deployment's default verification policy (`CADDY_FLEET_VERIFICATION`). A new domain is
   * `active` when its effective policy is `none`, else `pending` until the checker verifies it.
   */
  verification?: VerificationPolicy;
}

const ONE_MIB = 1024 * 1024;
const BULK_MAX_BYTES = 8 * ONE_MIB;
const hostnameParam = z.object({ hostname: z.string().meta({ description: 'A-label or U-label hostname' }) });

/** Canonical hostname for writes: every rule, platform domains included. */
function hostnameForWrite(
  input: string,
  policy: HostnamePolicy,
  path: string,
): { hostname: Hostname; unicode: string } {
  const r = canonicalizeHostname(input, policy);
  if (!r.ok) {
    throw new ValidationError(r.message, [{ path, code: r.code, message: r.message }], 'INVALID_HOSTNAME');
  }
  return { hostname: r.hostname, unicode: r.unicode };
}

/** Canonical hostname for reads and deletes: no platform-domain rule, so rows stored under older settings stay reachable. */
function hostnameForLookup(input: string): Hostname {
  const r = canonicalizeHostname(input);
  if (!r.ok)
    throw new ValidationError(
      r.message,
      [{ path: 'path.hostname', code: r.code, message: r.message }],
      'INVALID_HOSTNAME',
    );
  return r.hostname;
}

function encodeCursor(hostname: string): string {
  return Buffer.from(hostname, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z0-9.-]{1,253}$/.test(decoded) || encodeCursor(decoded) !== cursor) {
    throw new AppError('INVALID_CURSOR', 'cursor is not one this API returned');
  }
  return decoded;
}

/** `/v1/domains`: register, read, list, update and remove custom domains. */
export function domainRoutes(deps: DomainRoutesDeps, docs: ApiDocs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { domains, hostnamePolicy } = deps;
  const toJson = (d: Domain) => domainToJson(d, deps.verification ?? 'none');

  /** Status and reason of a new domain: `pending` with a reason unless its effective policy is `none`. */
  function initialState(input: Pick<DomainInput, 'verification'>): {
    status: DomainStatus;
    statusReason: string | null;
  } {
    const policy = effectivePolicy(input.verification, { verification: deps.verification ?? 'none' });
    if (policy === 'none') return { status: 'active', statusReason: null };
    return { status: 'pending', statusReason: `awaiting verification (${policy})` };
  }

  function checkUpstream(upstream: string | null | undefined, path: string): FieldIssue | undefined {
    if (upstream === undefined || upstream === null || deps.upstreamNames.has(upstream)) return undefined;
    return { path, code: 'UNKNOWN_UPSTREAM', message: `upstream "${upstream}" is not configured` };
  }

  function requireUpstream(upstream: string | null | undefined, path: string): void {
    const issue = checkUpstream(upstream, path);
    if (issue) throw new ValidationError(issue.message, [issue], 'UNKNOWN_UPSTREAM');
  }

  docs.add({
    method: 'post',
    path: '/v1/domains',
    summary: 'Register a custom domain',
    tags: ['domains'],
    auth: 'bearer',
    body: createDomainBody,
    responses: { 201: { description: 'Created', schema: domainJson } },
    problems: [400, 409, 413, 415],
  });
  app.post('/', async (c) => {
    const body = parseWith(createDomainBody, await readJsonBody(c, ONE_MIB), 'body');
    const { hostname, unicode } = hostnameForWrite(body.hostname, hostnamePolicy, 'body.hostname');
    requireUpstream(body.upstream, 'body.upstream');
    const domain = domains.create(
      {
        hostname,
        hostnameUnicode: unicode,
        upstream: body.upstream ?? null,
        metadata: body.metadata ?? {},
        verification: body.verification ?? null,
        ...initialState(body),
      },
      c.get('actor'),
    );
    c.header('location', `/v1/domains/${domain.hostname}`);
    return c.json(toJson(domain), 201);
  });

  docs.add({
    method: 'post',
    path: '/v1/domains/bulk',
    summary: 'Create or update up to 10,000 domains, all or nothing',
    tags: ['domains'],
    auth: 'bearer',
    body: bulkBody,
    responses: { 200: { description: 'Counts of created, updated and unchanged domains', schema: bulkResult } },
    problems: [400, 413, 415],
  });
  app.post('/bulk', async (c) => {
    const raw = await readJsonBody(c, BULK_MAX_BYTES);
    // The envelope first; then every item on its own, so the 400 lists every invalid item by index.
    const envelope = bulkEnvelope.safeParse(raw);
    if (!envelope.success)
      throw new ValidationError('invalid bulk request', toFieldIssues('body', envelope.error.issues), 'BULK_INVALID');
    const issues: FieldIssue[] = [];
    const items: { index: number; item: z.output<typeof createDomainBody> }[] = [];
    envelope.data.domains.forEach((value, index) => {
      const r = createDomainBody.safeParse(value);
      if (r.success) items.push({ index, item: r.data });
      else issues.push(...toFieldIssues(`body.domains[${index}]`, r.error.issues));
    });
    const inputs: DomainInput[] = [];
    const seen = new Map<string, number>();
    for (const { index, item } of items) {
      const r = canonicalizeHostname(item.hostname, hostnamePolicy);
      if (!r.ok) {
        issues.push({ path: `body.domains[${index}].hostname`, code: r.code, message: r.message });
        continue;
      }
      const first = seen.get(r.hostname);
      if (first !== undefined) {
        issues.push({
          path: `body.domains[${index}].hostname`,
          code: 'DUPLICATE',
          message: `${r.hostname} also appears at index ${first}`,
        });
        continue;
      }
      seen.set(r.hostname, index);
      const up = checkUpstream(item.upstream, `body.domains[${index}].upstream`);
      if (up) issues.push(up);
      inputs.push({
        hostname: r.hostname,
        hostnameUnicode: r.unicode,
        upstream: item.upstream ?? null,
        metadata: item.metadata ?? {},
        ...(item.verification !== undefined ? { verification: item.verification } : {}),
      });
    }
    if (issues.length > 0) {
      throw new ValidationError(`${issues.length} invalid item(s); nothing was applied`, issues, 'BULK_INVALID');
    }
    const counts = domains.bulkPut(inputs, c.get('actor'), initialState);
    return c.json(counts, 200);
  });

  docs.add({
    method: 'get',
    path: '/v1/domains',
    summary: 'List domains (keyset pagination)',
    tags: ['domains'],
    auth: 'bearer',
    query: listQuery,
    responses: { 200: { description: 'A page of domains', schema: domainPage } },
    problems: [400],
  });
  app.get('/', (c) => {
    const q = parseWith(listQuery, c.req.query(), 'query');
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const rows = domains.list({
      limit: limit + 1,
      ...(q.status ? { status: q.status } : {}),
      ...(q.q ? { q: q.q.toLowerCase() } : {}),
      ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
    });
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? encodeCursor(page[page.length - 1]!.hostname) : null;
    return c.json({ items: page.map(toJson), next_cursor: next });
  });

  docs.add({
    method: 'get',
    path: '/v1/domains/{hostname}',
    summary: 'Read one domain',
    tags: ['domains'],
    auth: 'bearer',
    params: hostnameParam,
    responses: { 200: { description: 'The domain', schema: domainJson } },
    problems: [400, 404],
  });
  app.get('/:hostname', (c) => {
    const hostname = hostnameForLookup(c.req.param('hostname'));
    const domain = domains.get(hostname);
    if (!domain) throw new NotFoundError('DOMAIN_NOT_FOUND', `domain ${hostname} not found`);
    return c.json(toJson(domain));
  });

  docs.add({
    method: 'put',
    path: '/v1/domains/{hostname}',
    summary: 'Create or replace a domain (idempotent)',
    tags: ['domains'],
    auth: 'bearer',
    params: hostnameParam,
    body: putDomainBody,
    responses: {
      200: { description: 'Updated', schema: domainJson },
      201: { description: 'Created', schema: domainJson },
    },
    problems: [400, 413, 415],
  });
  app.put('/:hostname', async (c) => {
    const body = parseWith(putDomainBody, await readJsonBody(c, ONE_MIB), 'body');
    const { hostname, unicode } = hostnameForWrite(c.req.param('hostname'), hostnamePolicy, 'path.hostname');
    requireUpstream(body.upstream, 'body.upstream');
    const { domain, created } = domains.put(
      {
        hostname,
        hostnameUnicode: unicode,
        upstream: body.upstream ?? null,
        metadata: body.metadata ?? {},
        ...(body.verification !== undefined ? { verification: body.verification } : {}),
      },
      c.get('actor'),
      initialState,
    );
    if (created) c.header('location', `/v1/domains/${domain.hostname}`);
    return c.json(toJson(domain), created ? 201 : 200);
  });

  docs.add({
    method: 'patch',
    path: '/v1/domains/{hostname}',
    summary: 'Change upstream, metadata, verification policy or status (active/blocked); rotate the TXT token',
    tags: ['domains'],
    auth: 'bearer',
    params: hostnameParam,
    body: patchDomainBody,
    responses: { 200: { description: 'Updated', schema: domainJson } },
    problems: [400, 404, 409, 413, 415],
  });
  app.patch('/:hostname', async (c) => {
    const body = parseWith(patchDomainBody, await readJsonBody(c, ONE_MIB), 'body');
    const hostname = hostnameForLookup(c.req.param('hostname'));
    requireUpstream(body.upstream, 'body.upstream');
    const domain = domains.patch(
      hostname,
      {
        ...(body.upstream !== undefined ? { upstream: body.upstream } : {}),
        ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.status_reason !== undefined ? { statusReason: body.status_reason } : {}),
        ...(body.verification !== undefined ? { verification: body.verification } : {}),
        ...(body.rotate_verification_token ? { verificationToken: generateVerificationToken() } : {}),
      },
      c.get('actor'),
    );
    return c.json(toJson(domain));
  });

  docs.add({
    method: 'delete',
    path: '/v1/domains/{hostname}',
    summary: 'Remove a domain; ask denies it from the response on',
    tags: ['domains'],
    auth: 'bearer',
    params: hostnameParam,
    responses: { 204: { description: 'Removed' } },
    problems: [400, 404],
  });
  app.delete('/:hostname', (c) => {
    const hostname = hostnameForLookup(c.req.param('hostname'));
    if (!domains.remove(hostname, c.get('actor')))
      throw new NotFoundError('DOMAIN_NOT_FOUND', `domain ${hostname} not found`);
    return c.body(null, 204);
  });

  docs.add({
    method: 'get',
    path: '/v1/domains/{hostname}/events',
    summary: "The domain's audit trail, oldest first",
    tags: ['domains'],
    auth: 'bearer',
    params: hostnameParam,
    query: eventsQuery,
    responses: { 200: { description: 'A page of audit events', schema: eventPage } },
    problems: [400],
  });
  app.get('/:hostname/events', (c) => {
    const hostname = hostnameForLookup(c.req.param('hostname'));
    const q = parseWith(eventsQuery, c.req.query(), 'query');
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const rows = domains.events(hostname, q.cursor === undefined ? 0 : Number(q.cursor), limit + 1);
    const page = rows.slice(0, limit);
    return c.json({
      items: page.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
      next_cursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
    });
  });

  return app;
}
