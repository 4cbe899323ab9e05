import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { createHostnamePolicy } from '../hostname/index.ts';
import { close, listen } from '../listen.ts';
import { openStore, type Store } from '../store/store.ts';
import type { Hostname } from '../types.ts';
import { createAskServer } from './ask-server.ts';
import { type AskDecision, decideAsk } from './decide-ask.ts';

const dir = tempDir('caddy-fleet-ask-');
let store: Store;
let server: Server;
let base: string;
let failLookup = false;
const decisions: AskDecision[] = [];

beforeAll(async () => {
  store = openStore(join(dir.path, 'ask.db'));
  const policy = createHostnamePolicy(['saas.com']);
  const mk = (h: string) => ({ hostname: h as Hostname, hostnameUnicode: h });
  store.domains.create(mk('active.customer.com'), 't');
  store.domains.create(mk('xn--bcher-kva.de'), 't');
  store.domains.create({ ...mk('blocked.customer.com'), status: 'blocked' }, 't');
  store.domains.create({ ...mk('pending.customer.com'), status: 'pending' }, 't');
  store.domains.create({ ...mk('moved.customer.com'), status: 'moved' }, 't');
  store.domains.create({ ...mk('deleted.customer.com'), status: 'deleted' }, 't');
  store.domains.create(mk('removed.customer.com'), 't');
  server = createAskServer(
    (q) =>
      decideAsk(
        q,
        (h) => {
          if (failLookup) throw new Error('disk on fire');
          return store.domains.askStatus(h);
        },
        policy,
      ),
    (d) => decisions.push(d),
  );
  base = `http://${await listen(server, '127.0.0.1:0')}`;
});
afterAll(async () => {
  await close(server);
  store.close();
  dir.cleanup();
});

async function ask(pathAndQuery: string, init: RequestInit = {}) {
  const res = await fetch(`${base}${pathAndQuery}`, { redirect: 'manual', signal: AbortSignal.timeout(5000), ...init });
  await res.arrayBuffer();
  return res.status;
}

describe('ask endpoint', () => {
  it('allows an active domain in any spelling Caddy might send', async () => {
    expect(await ask('/ask?domain=active.customer.com')).toBe(200);
    expect(await ask('/ask?domain=ACTIVE.customer.COM')).toBe(200);
    expect(await ask('/ask?domain=active.customer.com.')).toBe(200);
    expect(await ask(`/ask?domain=${encodeURIComponent('bücher.de')}`)).toBe(200);
    expect(await ask('/ask?domain=xn--bcher-kva.de')).toBe(200);
    // moved: still allowed during its grace period, so the certificate can renew while DNS is fixed
    expect(await ask('/ask?domain=moved.customer.com')).toBe(200);
  });

  it.each([
    ['unknown name', '/ask?domain=unknown.customer.com', 404],
    ['blocked', '/ask?domain=blocked.customer.com', 403],
    ['pending', '/ask?domain=pending.customer.com', 403],
    ['deleted', '/ask?domain=deleted.customer.com', 403],
    ['missing parameter', '/ask', 400],
    ['empty parameter', '/ask?domain=', 400],
    ['repeated parameter', '/ask?domain=active.customer.com&domain=active.customer.com', 400],
    ['IP literal', '/ask?domain=127.0.0.1', 400],
    ['wildcard', '/ask?domain=*.customer.com', 400],
    ['platform domain', '/ask?domain=x.saas.com', 400],
    ['public suffix', '/ask?domain=co.uk', 400],
    ['with port', '/ask?domain=active.customer.com:443', 400],
    ['control character', '/ask?domain=active.customer.com%00', 400],
    ['other parameter name', '/ask?name=active.customer.com', 400],
    ['other path', '/ask/?domain=active.customer.com', 404],
    ['prefix path', '/asking?domain=active.customer.com', 404],
    ['root', '/?domain=active.customer.com', 404],
  ])('denies: %s', async (_label, path, status) => {
    const got = await ask(path);
    expect(got).toBe(status);
    expect(got < 200 || got > 299).toBe(true);
  });

  it('denies non-GET methods without a redirect', async () => {
    expect(await ask('/ask?domain=active.customer.com', { method: 'POST' })).toBe(405);
    expect(await ask('/ask?domain=active.customer.com', { method: 'HEAD' })).toBe(200);
  });

  it('denies a domain from the moment its DELETE or block returned', async () => {
    store.domains.remove('removed.customer.com' as Hostname, 't');
    expect(await ask('/ask?domain=removed.customer.com')).toBe(404);
    store.domains.patch('active.customer.com' as Hostname, { status: 'blocked' }, 't');
    expect(await ask('/ask?domain=active.customer.com')).toBe(403);
    store.domains.patch('active.customer.com' as Hostname, { status: 'active' }, 't');
    expect(await ask('/ask?domain=active.customer.com')).toBe(200);
  });

  it('fails closed with 503 when the lookup throws', async () => {
    failLookup = true;
    try {
      expect(await ask('/ask?domain=active.customer.com')).toBe(503);
    } finally {
      failLookup = false;
    }
    expect(decisions.some((d) => d.result === 'error')).toBe(true);
  });

  it('never answers 2xx for arbitrary junk in the query', async () => {
    const junk = ['%', '%zz', 'domain', 'domain=%E0%A4%A', '&&&', 'domain=a.b%2Fc', `domain=${'a'.repeat(5000)}.com`];
    for (const q of junk) {
      const status = await ask(`/ask?${q}`);
      expect(status >= 200 && status <= 299, q).toBe(false);
    }
  });
});
