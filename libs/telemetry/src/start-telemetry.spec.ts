import { context, propagation, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startTelemetry } from './start-telemetry';
import { telemetryConfigSchema } from './telemetry.config';

describe(startTelemetry.name, () => {
  it('builds no span objects with traces off, yet passes a caller’s trace context on unchanged', async () => {
    const telemetry = startTelemetry(telemetryConfigSchema.parse({ OTEL_TRACES_EXPORTER: 'none' }));
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const caller = propagation.extract(context.active(), { traceparent });

    const forwarded = context.with(caller, () =>
      trace.getTracer('test').startActiveSpan('work', (span) => {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        span.end();
        return { recording: span.isRecording(), carrier };
      }),
    );

    expect(forwarded.recording).toBe(false);
    // The same trace, parent and sampled flag: a traced service downstream continues the caller's trace.
    expect(forwarded.carrier['traceparent']).toBe(traceparent);
    await telemetry.shutdown();
  });
});
