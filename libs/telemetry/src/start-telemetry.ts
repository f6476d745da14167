import { assertUnreachable } from '@coming/errors';
import { context, metrics, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { type MetricReader, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FileSpanExporter } from './file-span-exporter';
import type { TelemetryConfig } from './telemetry.config';

/** Probes and scrapes are not traffic; tracing them would bury the traces that matter. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface Telemetry {
  /** Answers a Prometheus scrape with every metric of this process. */
  serveMetrics(request: IncomingMessage, response: ServerResponse): void;
  /** Flushes what is buffered; for a clean stop. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing, metrics and auto-instrumentation for this process. Must run before
 * http, @grpc/grpc-js and pg are first required, or their calls go unrecorded.
 */
export function startTelemetry(config: TelemetryConfig): Telemetry {
  // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME (which wins for service.name), over a default name.
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'coming' }).merge(detectResources({ detectors: [envDetector] }));

  const spanProcessor = spanProcessorFor(config);
  // With traces off there is no tracer provider at all: spans are never built, while the
  // context manager and W3C propagation still pass a caller's trace context on unchanged,
  // so that traces flow through this service between services whose tracing is on.
  const tracerProvider = spanProcessor === undefined ? undefined : new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  if (tracerProvider !== undefined) tracerProvider.register();
  else {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  }

  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: MetricReader[] = [prometheus];
  if (config.OTEL_METRICS_EXPORTER === 'otlp') readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() }));
  const meterProvider = new MeterProvider({ resource, readers });
  metrics.setGlobalMeterProvider(meterProvider);

  // Logs always go to stdout as JSON lines; with OTEL_LOGS_EXPORTER=otlp they are pushed as well.
  const loggerProvider =
    config.OTEL_LOGS_EXPORTER === 'otlp'
      ? new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })] })
      : undefined;
  if (loggerProvider !== undefined) logs.setGlobalLoggerProvider(loggerProvider);

  registerInstrumentations({
    ...(tracerProvider === undefined ? {} : { tracerProvider }),
    meterProvider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(request.url?.split('?')[0] ?? '') }),
      new GrpcInstrumentation(),
      // Queries outside a traced operation (migrations, sweeps, gauges) would each start a trace of their own.
      new PgInstrumentation({ requireParentSpan: true }),
      // Trace ids are already mixed into every line by libs/logging; this only forwards records.
      new PinoInstrumentation({ disableLogCorrelation: true, disableLogSending: loggerProvider === undefined }),
      // Event-loop delay and utilisation, heap by space, GC pauses.
      new RuntimeNodeInstrumentation(),
    ],
  });

  return {
    serveMetrics: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown: async () => {
      await Promise.allSettled([tracerProvider?.shutdown(), meterProvider.shutdown(), loggerProvider?.shutdown()]);
    },
  };
}

function spanProcessorFor(config: TelemetryConfig): SpanProcessor | undefined {
  switch (config.OTEL_TRACES_EXPORTER) {
    case 'none':
      return undefined;
    case 'otlp':
      return new BatchSpanProcessor(new OTLPTraceExporter());
    case 'console':
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    case 'file':
      if (config.COMING_TRACE_FILE === undefined) throw new Error('OTEL_TRACES_EXPORTER=file needs COMING_TRACE_FILE');
      // Unbatched, so that every span is on disk by the time the request it belongs to is answered.
      return new SimpleSpanProcessor(new FileSpanExporter(config.COMING_TRACE_FILE));
    default:
      return assertUnreachable(config.OTEL_TRACES_EXPORTER);
  }
}
