/**
 * Counting what Kring does, for operators (`/metrics`, docs/SCALING.md "Metrics and traces"). Capabilities,
 * the chat router's wrapper and the queue's wrapper count through this port; only src/infra knows the
 * Prometheus client behind it. With metrics off (no `KRING_METRICS_TOKEN`) every call is a no-op and the
 * client is never loaded.
 *
 * The names are a closed list: a dashboard (docs/grafana/kring.json) is written against them, so a new
 * metric is added here, with its labels, not made up at the call site. Label values must come from small
 * sets (platform, queue, operation, outcome), never ids or text: every distinct value is a new time series.
 *
 * Deliberately left out: gauges set by callers (the ones Kring has, queue depth and database pool use, are
 * read by the implementation itself when scraped) and summaries.
 */

/** Counters and the labels each takes. */
export interface CounterLabels {
  /** Inbound events the router got, per platform and kind (command, action, form, message, ...). */
  kring_inbound_events_total: { platform: string; kind: string };
  /** Calls Kring made to a chat platform, per operation (post, update, ...) and outcome (ok or an error code). */
  kring_platform_requests_total: { platform: string; operation: string; outcome: string };
  /** News deliveries that reached an end: `sent` or `failed`. */
  kring_news_deliveries_total: { platform: string; outcome: 'sent' | 'failed' };
  /** Jobs whose handler returned. */
  kring_jobs_completed_total: { queue: string };
  /** Jobs whose handler threw: `retry` (another attempt follows) or `final` (given up). */
  kring_jobs_failed_total: { queue: string; final: 'true' | 'false' };
  /** Jobs sent back without using an attempt: `deferred` (pacing, a 429 on one target) or `rate_limited` (the queue paused). */
  kring_jobs_postponed_total: { queue: string; reason: 'deferred' | 'rate_limited' };
}

/** Histograms (seconds) and the labels each takes. */
export interface HistogramLabels {
  /** HTTP requests, per route pattern (never the raw URL), method and status class. */
  kring_http_request_duration_seconds: { route: string; method: string; status: string };
  /** From an inbound event reaching the router to its reply (what the adapter acknowledges or sends). */
  kring_chat_reply_seconds: { platform: string; kind: string };
  /** From a job becoming ready (enqueued plus its delay) to its handler starting. */
  kring_job_wait_seconds: { queue: string };
  /** One run of a job's handler. */
  kring_job_duration_seconds: { queue: string };
  /** One call to a chat platform. */
  kring_platform_request_seconds: { platform: string; operation: string };
}

export type CounterName = keyof CounterLabels;
export type HistogramName = keyof HistogramLabels;

export interface Metrics {
  /** Adds `by` (default 1) to a counter. */
  increment<N extends CounterName>(name: N, labels: CounterLabels[N], by?: number): void;
  /** Records one observation, in seconds. */
  observe<N extends HistogramName>(name: N, labels: HistogramLabels[N], seconds: number): void;
}

/** Metrics switched off: counts nothing. */
export const noMetrics: Metrics = {
  increment: () => undefined,
  observe: () => undefined,
};
