import { ROOT_CONTEXT, SpanKind as OtelSpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { SpanAttributes, SpanKind, TraceCarrier, Tracing } from '../../kernel/ports/tracing.js';

/** Options of {@link openOtelTracing}. */
export interface OtelTracingOptions {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: the collector's base URL; spans go to `<endpoint>/v1/traces` (OTLP/HTTP, JSON). */
  endpoint: string;
  /** `OTEL_SERVICE_NAME` (default `kring`). */
  serviceName: string;
  /** How long spans are batched before they are sent (default 2 s). */
  exportDelayMs?: number;
}

const KINDS: Record<SpanKind, OtelSpanKind> = {
  server: OtelSpanKind.SERVER,
  client: OtelSpanKind.CLIENT,
  producer: OtelSpanKind.PRODUCER,
  consumer: OtelSpanKind.CONSUMER,
  internal: OtelSpanKind.INTERNAL,
};

/**
 * {@link Tracing} on the OpenTelemetry SDK: a Node tracer provider (async-local context, W3C Trace Context
 * propagation) exporting over OTLP/HTTP, and the undici and http instrumentations, so the HTTP requests
 * behind a platform call (discord.js's REST client and fetch on undici; Slack's and Teams' SDKs on axios over
 * node:http) are child spans of it, and an inbound webhook's HTTP request is the root of the trace of
 * what it caused. Loaded only when traces are on
 * (src/infra/tracing/open-tracing.ts): with them off Kring does not pay for the SDK.
 */
export function openOtelTracing(options: OtelTracingOptions): Tracing {
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.exportDelayMs ?? 2000 })],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const collector = new URL(options.endpoint);
  const collectorPort = collector.port || (collector.protocol === 'https:' ? '443' : '80');
  const instrumentations = [
    new UndiciInstrumentation(),
    new HttpInstrumentation({
      // Probes and scrapes are not worth a trace each. (An ignored request runs with tracing suppressed,
      // so what matters, a platform's webhook, must not be ignored: its HTTP span roots the trace.)
      ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)(\?|$)/.test(req.url ?? ''),
      // The exporter's own requests to the collector are not traced (they would trace themselves).
      ignoreOutgoingRequestHook: (req) => req.hostname === collector.hostname && String(req.port ?? '80') === collectorPort,
    }),
  ];
  for (const instrumentation of instrumentations) {
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
  }
  const tracer = provider.getTracer('kring');

  const run = async <T>(span: Span, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  };

  return {
    enabled: true,
    inSpan: (name, kind, attributes: SpanAttributes, work) => tracer.startActiveSpan(name, { kind: KINDS[kind], attributes }, (span) => run(span, work)),
    carrier() {
      if (!trace.getActiveSpan()) return undefined;
      const carrier: TraceCarrier = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent ? carrier : undefined;
    },
    continueFrom(carrier, name, kind, attributes, work) {
      const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
      return tracer.startActiveSpan(name, { kind: KINDS[kind], attributes }, parent, (span) => run(span, work));
    },
    async shutdown() {
      for (const instrumentation of instrumentations) instrumentation.disable();
      await provider.shutdown();
      // Global registrations go with it: a later Kring in the same process (tests) registers afresh.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
