import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createAskServer } from './ask/ask-server.ts';
import { decideAsk } from './ask/decide-ask.ts';
import type { Config } from './config.ts';
import { createHostnamePolicy } from './hostname/index.ts';
import { createApp } from './http/create-app.ts';
import { close, listen } from './listen.ts';
import type { Logger } from './log.ts';
import { openStore, type Store } from './store/store.ts';

export interface Daemon {
  store: Store;
  /** Bound `host:port` of the API + dashboard listener. */
  apiAddress: string;
  /** Bound `host:port` of the ask listener. */
  askAddress: string;
  stop(): Promise<void>;
}

/** Wires the store, the API and ask from a parsed config and starts listening. The only wiring place besides `main.ts`. */
export async function startDaemon(config: Config, logger: Logger): Promise<Daemon> {
  const store = openStore(config.db);
  const hostnamePolicy = createHostnamePolicy(config.platformDomains);
  const app = createApp({
    domains: store.domains,
    hostnamePolicy,
    upstreamNames: new Set(Object.keys(config.upstreams)),
    initialStatus: () => 'active',
    apiTokens: config.apiTokens,
    checkReady: () => store.checkReady(),
    logger,
  });
  const api = createAdaptorServer({ fetch: app.fetch }) as Server;
  const askLog = logger.child({ component: 'ask' });
  const ask = createAskServer(
    (query) => decideAsk(query, (h) => store.domains.askStatus(h), hostnamePolicy),
    (d) => {
      if (d.status !== 200) askLog.debug({ status: d.status, result: d.result, domain: d.raw }, 'ask denied');
    },
  );
  let apiAddress: string;
  let askAddress: string;
  try {
    apiAddress = await listen(api, config.listen);
    askAddress = await listen(ask, config.askListen);
  } catch (err) {
    api.close();
    ask.close();
    store.close();
    throw err;
  }
  logger.info({ api: apiAddress, ask: askAddress, db: config.db }, 'caddy-fleet listening');
  return {
    store,
    apiAddress,
    askAddress,
    async stop() {
      await Promise.all([close(api), close(ask)]);
      store.close();
    },
  };
}
