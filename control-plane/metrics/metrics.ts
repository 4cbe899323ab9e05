import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

type Provide<T> = () => T | Promise<T>;

/** Small functions the gauges read at scrape time (nothing polls). They may be async. */
export interface MetricProviders {
  /** Nodes by sync status, e.g. from `FleetView.nodes()`. */
  nodesByStatus?: Provide<Record<string, number>>;
  /** Domains by status (`DomainRepo.countByStatus`). */
  domainsByStatus?: Provide<Record<string, number>>;
  /** Fewest days left on any certificate, or null when none is known. */
  minCertificateDaysLeft?: Provide<number | null>;
  /** Webhook deliveries by state (`SqliteOutbox.countByState`). */
  webhookDeliveriesByState?: Provide<Record<string, number>>;
}

export interface MetricsOptions extends MetricProviders {
  /** Also export Node's process metrics (`process_*`, `nodejs_*`). Default false. */
  processMetrics?: boolean;
}

/** The daemon's metrics on their own registry, and the hooks components call. */
export interface Metrics {
  readonly registry: Registry;
  /** One ask answer: its result (`allowed`, `unknown`, …) and how long it took. */
  observeAsk(result: string, durationNs: bigint | number): void;
  /** One API request, labelled by route pattern (never the raw path), method and status. */
  observeRequest(route: string, method: string, status: number): void;
  /** One reconcile pass: `ok` or `error`, and its duration. */
  observeReconcile(result: string, seconds: number): void;
  /** One config push to a node: `ok`, `rejected`, `unreachable`, … */
  observePush(result: string): void;
  /** One webhook delivery attempt: `delivered`, `retry` or `failed`. */
  observeWebhook(outcome: string): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
}

const PREFIX = 'caddy_fleet_';

function gaugeFromRecord(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  provide: Provide<Record<string, number>> | undefined,
): void {
  if (!provide) return;
  new Gauge({
    name: PREFIX + name,
    help,
    labelNames: [label],
    registers: [registry],
    async collect() {
      // A failing provider leaves the family without samples rather than failing the whole scrape.
      const values = await Promise.resolve()
        .then(provide)
        .catch(() => ({}));
      this.reset();
      for (const [key, value] of Object.entries(values)) this.set({ [label]: key }, value);
    },
  });
}

/**
 * Creates the metrics registry (not prom-client's global one, so tests and several daemons in one
 * process never collide). Gauges read their providers at scrape time.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const ask = new Counter({
    name: `${PREFIX}ask_decisions_total`,
    help: 'Ask answers by result (allowed, unknown, not_active, invalid, error)',
    labelNames: ['result'],
    registers,
  });
  const askLatency = new Histogram({
    name: `${PREFIX}ask_duration_seconds`,
    help: 'Time to decide an ask request',
    buckets: [0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.005, 0.025],
    registers,
  });
  const requests = new Counter({
    name: `${PREFIX}api_requests_total`,
    help: 'API requests by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers,
  });
  const reconciles = new Counter({
    name: `${PREFIX}reconcile_passes_total`,
    help: 'Reconcile passes by result',
    labelNames: ['result'],
    registers,
  });
  const reconcileDuration = new Histogram({
    name: `${PREFIX}reconcile_duration_seconds`,
    help: 'Duration of reconcile passes',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const pushes = new Counter({
    name: `${PREFIX}pushes_total`,
    help: 'Config pushes to nodes by result',
    labelNames: ['result'],
    registers,
  });
  const webhooks = new Counter({
    name: `${PREFIX}webhook_attempts_total`,
    help: 'Webhook delivery attempts by outcome (delivered, retry, failed)',
    labelNames: ['outcome'],
    registers,
  });
  gaugeFromRecord(registry, 'nodes', 'Fleet nodes by sync status', 'status', options.nodesByStatus);
  gaugeFromRecord(registry, 'domains', 'Domains by status', 'status', options.domainsByStatus);
  gaugeFromRecord(
    registry,
    'webhook_deliveries',
    'Webhook deliveries in the outbox by state',
    'state',
    options.webhookDeliveriesByState,
  );
  const minDays = options.minCertificateDaysLeft;
  if (minDays) {
    new Gauge({
      name: `${PREFIX}certificate_min_days_left`,
      help: 'Fewest days left on any stored certificate (no sample when none is known)',
      registers,
      async collect() {
        const days = await Promise.resolve()
          .then(minDays)
          .catch(() => null);
        if (days === null) this.remove();
        else this.set(days);
      },
    });
  }
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  // The ask path is hot: keep one labelled child per result instead of hashing labels on every call.
  const askByResult = new Map<string, { inc(): void }>();

  return {
    registry,
    contentType: registry.contentType,
    observeAsk(result, durationNs) {
      let child = askByResult.get(result);
      if (!child) {
        child = ask.labels({ result });
        askByResult.set(result, child);
      }
      child.inc();
      askLatency.observe(Number(durationNs) / 1e9);
    },
    observeRequest(route, method, status) {
      requests.inc({ route, method, status: String(status) });
    },
    observeReconcile(result, seconds) {
      reconciles.inc({ result });
      reconcileDuration.observe(seconds);
    },
    observePush(result) {
      pushes.inc({ result });
    },
    observeWebhook(outcome) {
      webhooks.inc({ outcome });
    },
    render: () => registry.metrics(),
  };
}
