import type { Logger } from '../../kernel/ports/logger.js';
import { noMetrics, type Metrics } from '../../kernel/ports/metrics.js';
import { noTracing, type Tracing } from '../../kernel/ports/tracing.js';
import type { PoolStats, QueueCounts } from './prometheus.metrics.js';

/** `/metrics` and traces as configured (`KRING_METRICS_TOKEN`, `OTEL_EXPORTER_OTLP_ENDPOINT`). */
export interface ObservabilitySettings {
  metricsToken: string | undefined;
  otlpEndpoint: string | undefined;
  serviceName: string;
}

export interface OpenedObservability {
  metrics: Metrics;
  /** The Prometheus exposition; undefined when metrics are off. */
  scrape: (() => Promise<{ contentType: string; body: string }>) | undefined;
  tracing: Tracing;
}

/**
 * Metrics and traces, each loaded only when switched on: prom-client when `/metrics` is served (a token is
 * set), the OpenTelemetry SDK when an OTLP endpoint is. Off, Kring's start-up and memory stay as they were
 * (docs/SCALING.md "Metrics and traces").
 */
export async function openObservability(
  settings: ObservabilitySettings,
  sources: { logger: Logger; queueCounts?: () => Promise<QueueCounts>; poolStats?: () => PoolStats | undefined },
): Promise<OpenedObservability> {
  let metrics: Metrics = noMetrics;
  let scrape: OpenedObservability['scrape'];
  if (settings.metricsToken) {
    const { PrometheusMetrics } = await import('./prometheus.metrics.js');
    const prometheus = new PrometheusMetrics({
      ...(sources.queueCounts ? { queueCounts: sources.queueCounts } : {}),
      ...(sources.poolStats ? { poolStats: sources.poolStats } : {}),
    });
    metrics = prometheus;
    scrape = () => prometheus.scrape();
  }
  let tracing: Tracing = noTracing;
  if (settings.otlpEndpoint) {
    const { openOtelTracing } = await import('../tracing/otel.tracing.js');
    tracing = openOtelTracing({ endpoint: settings.otlpEndpoint, serviceName: settings.serviceName });
    sources.logger.info({ endpoint: settings.otlpEndpoint }, 'traces: exported over OTLP/HTTP');
  }
  return { metrics, scrape, tracing };
}
