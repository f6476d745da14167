import { loadConfig } from '@coming/config';
import { startTelemetry, type Telemetry } from './start-telemetry';
import { telemetryConfigSchema } from './telemetry.config';

let started: Telemetry | undefined;

/** Starts this process's telemetry from the OTEL_* environment, once. */
export function registerTelemetry(): Telemetry {
  started ??= startTelemetry(loadConfig(telemetryConfigSchema));
  return started;
}

/** The process's telemetry, or undefined where no entry point registered it, as in services started inside a test. */
export function processTelemetry(): Telemetry | undefined {
  return started;
}
