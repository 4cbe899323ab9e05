import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createAskServer } from './ask/ask-server.ts';
import { decideAsk } from './ask/decide-ask.ts';
import { removeCertificates } from './certificates/cert-storage.ts';
import { CertificateInventory } from './certificates/certificate-inventory.ts';
import { type Config, effectiveAskUrl } from './config.ts';
import { createDashboard } from './dashboard/create-dashboard.tsx';
import { inventoryCertificates } from './dashboard/inventory-certificates.ts';
import { CertificateExpiryNotifier } from './events/certificate-events.ts';
import { DeliveryWorker } from './events/delivery-worker.ts';
import { attachDomainEvents } from './events/domain-events.ts';
import type { EventSink } from './events/event-sink.ts';
import { SqliteOutbox } from './events/outbox.ts';
import type { AcceleratorEndpoints, AcceleratorSyncReport } from './fleet/accelerator-endpoints.ts';
import { buildSettingsFrom } from './fleet/build-settings.ts';
import { createFleetAdapters, type FleetAdapters } from './fleet/create-discovery.ts';
import { LocalStorageProbe } from './fleet/local-storage-probe.ts';
import { createHostnamePolicy } from './hostname/index.ts';
import { createApp } from './http/create-app.ts';
import { certificateRoutes } from './http/routes/certificates.ts';
import { fleetRoutes, storageRoute } from './http/routes/fleet.ts';
import { metricsRoutes } from './http/routes/metrics.ts';
import { nodeConfigRoutes } from './http/routes/node-config.ts';
import { webhookRoutes } from './http/routes/webhooks.ts';
import { close, listen } from './listen.ts';
import type { Logger } from './log.ts';
import { AskActivity } from './metrics/ask-activity.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { DesiredConfigSource } from './reconciler/desired-config.ts';
import { Reconciler } from './reconciler/reconciler.ts';
import { NodeRepo } from './store/node-repo.ts';
import { openStore, type Store } from './store/store.ts';
import type { NodeId } from './types.ts';
import { createVerificationService } from './verification/start-verification.ts';

export interface Daemon {
  store: Store;
  metrics: Metrics;
  askActivity: AskActivity;
  outbox: SqliteOutbox;
  reconciler: Reconciler;
  adapters: FleetAdapters;
  /** Bound `host:port` of the API + dashboard listener. */
  apiAddress: string;
  /** Bound `host:port` of the ask listener. */
  askAddress: string;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** Replaces the event sink (tests). */
  events?: EventSink;
  /** Replaces the Global Accelerator adapter (tests). */
  accelerator?: AcceleratorEndpoints;
}

/**
 * Wires the store, ask, the API, the fleet and the reconciler from a parsed config and starts
 * them. The only place besides `main.ts` that creates clients, timers and listeners.
 */
export async function startDaemon(config: Config, logger: Logger, options: DaemonOptions = {}): Promise<Daemon> {
  const store = openStore(config.db);
  const cleanup: (() => Promise<void> | void)[] = [() => store.close()];
  const stopAll = async () => {
    for (const fn of cleanup.reverse()) await fn();
  };
  try {
    const hostnamePolicy = createHostnamePolicy(config.platformDomains);
    const outbox = new SqliteOutbox(store.db, { urls: config.webhookUrls });
    const events = options.events ?? outbox;
    attachDomainEvents(store.domains, events, config.verification);
    // before any domain write: its change listener schedules new domains for checking
    const verification = createVerificationService({ config, store, logger });
    let reconciler: Reconciler | undefined;
    const metrics = createMetrics({
      processMetrics: true,
      domainsByStatus: () => store.domains.countByStatus(),
      nodesByStatus: () => {
        const out: Record<string, number> = {};
        for (const n of reconciler?.nodes() ?? []) out[n.status] = (out[n.status] ?? 0) + 1;
        return out;
      },
      webhookDeliveriesByState: () => outbox.countByState(),
      minCertificateDaysLeft: async () => (await inventory.summary()).minDaysLeft,
    });
    const askActivity = new AskActivity();
    const inventory = new CertificateInventory({ storageRoot: config.storageRoot, domains: store.domains });

    // ask first: Caddy nodes call it as soon as they serve.
    const askLog = logger.child({ component: 'ask' });
    const ask = createAskServer(
      (query) => decideAsk(query, (h) => store.domains.askStatus(h), hostnamePolicy),
      (d, ns) => {
        metrics.observeAsk(d.result, ns);
        askActivity.record(d);
        if (d.status !== 200) askLog.debug({ status: d.status, result: d.result, domain: d.raw }, 'ask denied');
      },
    );
    const askAddress = await listen(ask, config.askListen);
    cleanup.push(() => close(ask));

    const adapters = await createFleetAdapters(config, logger, () => reconciler?.notify());
    if (options.accelerator) adapters.accelerator = options.accelerator;
    await adapters.discovery.start();
    cleanup.push(() => adapters.discovery.stop());

    const askUrl = config.askUrl ?? effectiveAskUrl({ askListen: askAddress });
    const desired = new DesiredConfigSource(store.domains, buildSettingsFrom(config, askUrl), logger);
    const nodes = new NodeRepo(store.db);
    let lastAccelerator: AcceleratorSyncReport | undefined;
    reconciler = new Reconciler({
      discovery: adapters.discovery,
      desired,
      nodes,
      events,
      logger,
      mode: config.driftMode,
      intervalMs: config.reconcileInterval,
      debounceMs: config.reconcileDebounce,
      removeCertificates: async (hostname) => {
        await removeCertificates(config.storageRoot, hostname);
        inventory.invalidate();
      },
      onPass: async (result, membership) => {
        metrics.observeReconcile(
          result.nodes.some((n) => n.error) ? 'error' : 'ok',
          (result.finishedAt - result.startedAt) / 1000,
        );
        for (const n of result.nodes)
          if (n.action === 'pushed') metrics.observePush(n.status === 'in_sync' ? 'ok' : n.status);
        if (!adapters.accelerator) return;
        const statuses = new Map(nodes.all().map((n) => [n.id as NodeId, n.status] as const));
        const report = await adapters.accelerator.sync(membership, statuses, new Date());
        lastAccelerator = report;
        if (report.error) logger.warn({ error: report.error }, 'Global Accelerator sync failed');
        else if (report.changed) {
          const plan = report.steps.filter((s) => s.action !== 'unchanged');
          logger.info({ dryRun: report.dryRun, applied: report.applied, plan }, 'Global Accelerator endpoint plan');
        }
      },
    });
    const rec = reconciler;
    let lastGeneration = store.domains.generation();
    let checkScheduled = false;
    store.domains.onChange(() => {
      // Inside the write transaction: schedule one check per transaction (a bulk write of 10,000
      // domains is one), which runs after commit; the pass itself re-reads everything.
      if (checkScheduled) return;
      checkScheduled = true;
      queueMicrotask(() => {
        checkScheduled = false;
        const g = store.domains.generation();
        if (g !== lastGeneration) {
          lastGeneration = g;
          rec.notify();
        }
      });
    });
    cleanup.push(() => rec.stop());

    const webhooks = new DeliveryWorker({
      outbox,
      secret: config.webhookSecret ?? '',
      logger,
      onOutcome: (o) => metrics.observeWebhook(o),
    });
    cleanup.push(() => webhooks.stop());

    // The storage check for the dashboard runs in the background (EFS checks are API calls).
    const storage = adapters.storageProbe
      ? { kind: 'efs' as const, probe: adapters.storageProbe }
      : { kind: 'local' as const, probe: new LocalStorageProbe(config.storageRoot) };
    let storageStatus:
      | { kind: string; ok: boolean; checkedAt: number; failing: { name: string; detail: string }[] }
      | undefined;
    const checkStorage = async () => {
      const azs = [...new Set(rec.membership().nodes.flatMap((n) => (n.availabilityZone ? [n.availabilityZone] : [])))];
      const r = await storage.probe.probe(azs, AbortSignal.timeout(15_000));
      storageStatus = {
        kind: storage.kind,
        ok: r.ok,
        checkedAt: r.checkedAt.getTime(),
        failing: r.checks.filter((c) => !c.ok),
      };
    };
    const storageTimer = setInterval(() => void checkStorage().catch(() => undefined), 60_000);
    storageTimer.unref();
    cleanup.push(() => clearInterval(storageTimer));
    void checkStorage().catch(() => undefined);

    const app = createApp({
      domains: store.domains,
      hostnamePolicy,
      upstreamNames: new Set(Object.keys(config.upstreams)),
      verification: config.verification,
      verificationService: verification,
      apiTokens: config.apiTokens,
      checkReady: () => store.checkReady(),
      logger,
      metrics,
      extend: (a, docs) => {
        a.route('/', metricsRoutes(metrics, docs));
        a.route('/v1', webhookRoutes({ outbox, wake: () => webhooks.wake() }, docs));
        a.route(
          '/v1',
          certificateRoutes({ certificates: inventory, domains: store.domains, storageRoot: config.storageRoot }, docs),
        );
        a.route(
          '/dashboard',
          createDashboard({
            apiTokens: config.apiTokens,
            fleet: rec,
            fleetMeta: () => {
              const m = rec.membership();
              return {
                generation: store.domains.generation(),
                stale: m.stale,
                ...(m.error ? { error: m.error } : {}),
                ...(storageStatus ? { storage: storageStatus } : {}),
              };
            },
            domains: store.domains,
            certificates: inventoryCertificates({ inventory, storageRoot: config.storageRoot, domains: store.domains }),
            askActivity: () => askActivity.snapshot(),
            logger,
          }),
        );
        a.get('/', (c) => c.redirect('/dashboard', 302));
        a.route(
          '/v1/fleet',
          fleetRoutes(
            {
              fleet: rec,
              membership: () => rec.membership(),
              generation: () => store.domains.generation(),
              accelerator: () => lastAccelerator,
            },
            docs,
          ),
        );
        a.route(
          '/v1/fleet/storage',
          storageRoute(storage, () => rec.membership(), docs),
        );
        if (config.nodeToken) {
          a.route(
            '/caddy',
            nodeConfigRoutes(
              {
                nodeToken: config.nodeToken,
                desiredJsonFor: (id) => rec.desiredJsonFor(id),
                refreshMembership: () => rec.notify(),
              },
              docs,
            ),
          );
        }
      },
    });
    const api = createAdaptorServer({ fetch: app.fetch }) as Server;
    const apiAddress = await listen(api, config.listen);
    cleanup.push(() => close(api));

    rec.start();
    webhooks.start();
    verification.start();
    cleanup.push(() => verification.stop());

    // certificate.expiring: checked against the storage every 10 minutes (and once at start)
    const notifier = new CertificateExpiryNotifier(store.db, events, { warnDays: config.certExpiryWarnDays });
    const checkExpiry = async () => {
      try {
        const inUse = (await inventory.entries()).filter(
          (e) => e.info && e.status !== 'orphaned' && e.status !== 'unparseable',
        );
        notifier.check(
          inUse.map((e) => ({
            hostname: e.hostname,
            notAfter: e.info!.notAfter,
            issuer: e.info!.issuer.organization ?? e.info!.issuer.commonName,
          })),
        );
      } catch (err) {
        logger.warn({ err }, 'certificate expiry check failed');
      }
    };
    const expiryTimer = setInterval(() => void checkExpiry(), 600_000);
    expiryTimer.unref();
    cleanup.push(() => clearInterval(expiryTimer));
    void checkExpiry();
    logger.info(
      { api: apiAddress, ask: askAddress, db: config.db, discovery: config.discovery },
      'caddy-fleet listening',
    );
    return { store, metrics, askActivity, outbox, reconciler: rec, adapters, apiAddress, askAddress, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
