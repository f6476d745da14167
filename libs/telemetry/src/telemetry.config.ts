import { z } from 'zod';

/**
 * The standard OTEL_* variables this SDK setup reads itself; the OTLP exporters read
 * their own (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, …) directly.
 */
export const telemetryConfigSchema = z.object({
  /** Names the service in every span and metric (default "coming"); deployments set it per process. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** More resource attributes, `key=value,key=value` (e.g. deployment.environment.name=prod); read by the SDK. */
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  /** Unlike the OpenTelemetry default, traces stay off unless an exporter is chosen. */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp', 'console', 'file']).default('none'),
  /** Metrics are always served at GET /metrics for Prometheus; `otlp` pushes them as well. */
  OTEL_METRICS_EXPORTER: z.enum(['prometheus', 'otlp']).default('prometheus'),
  /** Logs are always written to stdout; `otlp` pushes them to the collector as well. */
  OTEL_LOGS_EXPORTER: z.enum(['none', 'otlp']).default('none'),
  /** Where OTEL_TRACES_EXPORTER=file appends one JSON span a line. */
  COMING_TRACE_FILE: z.string().min(1).optional(),
});

export type TelemetryConfig = z.infer<typeof telemetryConfigSchema>;
