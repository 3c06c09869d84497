/**
 * Traces (OpenTelemetry behind it, in src/infra/tracing; off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set):
 * one trace runs from an inbound command through the jobs it enqueued to every platform call they made.
 * Spans nest by the async context they run in; across the queue the context travels in the job's payload
 * (`carrier`, W3C Trace Context headers) and the job's span continues it.
 *
 * Deliberately left out: span events, links and baggage; setting attributes after a span started.
 */
export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';

export type SpanAttributes = Record<string, string | number | boolean>;

/** W3C Trace Context headers (`traceparent`, `tracestate`) of a span, to continue it elsewhere. */
export type TraceCarrier = Record<string, string>;

export interface Tracing {
  /** False when traces are off: callers may skip building attributes or carriers. */
  readonly enabled: boolean;
  /** Runs `work` in a new span, a child of the current one; the span ends when `work` settles (an error marks it). */
  inSpan<T>(name: string, kind: SpanKind, attributes: SpanAttributes, work: () => Promise<T>): Promise<T>;
  /** The current span's context as headers, or undefined when there is none (or traces are off). */
  carrier(): TraceCarrier | undefined;
  /** Like {@link inSpan}, with the span a child of the one `carrier` names (a job continuing its enqueuer's trace). */
  continueFrom<T>(carrier: TraceCarrier | undefined, name: string, kind: SpanKind, attributes: SpanAttributes, work: () => Promise<T>): Promise<T>;
  /** Sends what is buffered and stops (at shutdown). */
  shutdown(): Promise<void>;
}

/** Traces switched off. */
export const noTracing: Tracing = {
  enabled: false,
  inSpan: (_name, _kind, _attributes, work) => work(),
  carrier: () => undefined,
  continueFrom: (_carrier, _name, _kind, _attributes, work) => work(),
  shutdown: async () => undefined,
};
