import { trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger';

describe(createLogger.name, () => {
  it('stamps lines written inside a span with its trace_id and span_id, and no others', () => {
    new NodeTracerProvider().register();
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: 'test', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });

    const ids = trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext();
    });
    logger.info('outside');

    expect(lines[0]).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });
});
