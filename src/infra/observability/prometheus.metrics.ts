import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CounterLabels, CounterName, HistogramLabels, HistogramName, Metrics } from '../../kernel/ports/metrics.js';

/** Job counts of one queue by state (BullMQ's getJobCounts; the in-process driver gives waiting and active). */
export type QueueCounts = Record<string, Partial<Record<string, number>>>;

/** The database pool's connections (pg Pool: totalCount, idleCount, waitingCount). */
export interface PoolStats {
  total: number;
  idle: number;
  /** Queries waiting for a free connection. */
  waiting: number;
  max: number;
}

/** What the registry reads when scraped. */
export interface ScrapeSources {
  /** Job counts per queue, read from the queue's store on every scrape. */
  queueCounts?: () => Promise<QueueCounts>;
  poolStats?: () => PoolStats | undefined;
}

const COUNTERS: { [N in CounterName]: { help: string; labels: (keyof CounterLabels[N])[] } } = {
  kring_inbound_events_total: { help: 'Inbound events the chat router got, per platform and kind', labels: ['platform', 'kind'] },
  kring_platform_requests_total: { help: 'Calls to chat platforms, per operation and outcome (ok, RATE_LIMITED, TRANSIENT, ...)', labels: ['platform', 'operation', 'outcome'] },
  kring_news_deliveries_total: { help: 'News deliveries that ended sent or failed, per platform', labels: ['platform', 'outcome'] },
  kring_jobs_completed_total: { help: 'Jobs whose handler returned, per queue', labels: ['queue'] },
  kring_jobs_failed_total: { help: 'Jobs whose handler threw, per queue; final="false" when another attempt follows', labels: ['queue', 'final'] },
  kring_jobs_postponed_total: { help: 'Jobs sent back without using an attempt: deferred (pacing, a 429 on one target) or rate_limited (queue paused)', labels: ['queue', 'reason'] },
};

/** Seconds: from a fast acknowledgement (a few ms) to a slow platform call or a long queue wait. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800];

const HISTOGRAMS: { [N in HistogramName]: { help: string; labels: (keyof HistogramLabels[N])[]; buckets: number[] } } = {
  kring_http_request_duration_seconds: { help: 'HTTP requests by route pattern, method and status class', labels: ['route', 'method', 'status'], buckets: LATENCY_BUCKETS },
  kring_chat_reply_seconds: { help: 'From an inbound event reaching the router to its reply (the acknowledgement), per platform and kind', labels: ['platform', 'kind'], buckets: LATENCY_BUCKETS },
  kring_job_wait_seconds: { help: 'From a job becoming ready (enqueued plus delay) to its handler starting, per queue', labels: ['queue'], buckets: WAIT_BUCKETS },
  kring_job_duration_seconds: { help: 'One run of a job handler, per queue', labels: ['queue'], buckets: LATENCY_BUCKETS },
  kring_platform_request_seconds: { help: 'One call to a chat platform, per operation', labels: ['platform', 'operation'], buckets: LATENCY_BUCKETS },
};

/**
 * {@link Metrics} on prom-client, in a registry of its own (two Krings in one process, as in tests, do not
 * share counters), with Node's default process metrics (`kring_process_*`, `kring_nodejs_*`) and gauges read
 * on scrape: queue depth per queue and state, and the database pool.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();

  constructor(sources: ScrapeSources = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'kring_' });
    for (const [name, def] of Object.entries(COUNTERS)) {
      this.counters.set(name, new Counter({ name, help: def.help, labelNames: def.labels as string[], registers: [this.registry] }));
    }
    for (const [name, def] of Object.entries(HISTOGRAMS)) {
      this.histograms.set(name, new Histogram({ name, help: def.help, labelNames: def.labels as string[], buckets: def.buckets, registers: [this.registry] }));
    }
    const { queueCounts, poolStats } = sources;
    if (queueCounts) {
      new Gauge({
        name: 'kring_queue_jobs',
        help: 'Jobs per queue and state, read from the queue store when scraped (queues this process has used)',
        labelNames: ['queue', 'state'],
        registers: [this.registry],
        async collect() {
          this.reset();
          const counts = await queueCounts().catch(() => ({}) as QueueCounts);
          for (const [queue, states] of Object.entries(counts)) {
            for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n ?? 0);
          }
        },
      });
    }
    if (poolStats) {
      new Gauge({
        name: 'kring_db_pool_connections',
        help: 'Database pool connections by state (total, idle, waiting = queries waiting for a connection, max)',
        labelNames: ['state'],
        registers: [this.registry],
        collect() {
          this.reset();
          const stats = poolStats();
          if (!stats) return;
          for (const [state, n] of Object.entries(stats)) this.set({ state }, n);
        },
      });
    }
  }

  increment<N extends CounterName>(name: N, labels: CounterLabels[N], by = 1): void {
    this.counters.get(name)?.inc(labels as Record<string, string>, by);
  }

  observe<N extends HistogramName>(name: N, labels: HistogramLabels[N], seconds: number): void {
    this.histograms.get(name)?.observe(labels as Record<string, string>, seconds);
  }

  /** The Prometheus text exposition of every metric. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
