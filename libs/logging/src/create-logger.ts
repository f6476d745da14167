import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level?: string;
  destination?: DestinationStream;
}

/**
 * Structured JSON logs, one object a line. Fields that could carry credentials are
 * redacted as a second line of defence; the first is never passing them to a logger.
 * Lines written inside a traced operation carry its trace_id and span_id.
 */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: {
        paths: [
          '*.authorization',
          '*.accessToken',
          '*.refreshToken',
          '*.signature',
          '*.mnemonic',
          '*.content',
          '*.privateKey',
          '*.relayerKey',
          '*.PAYMENTS_XBTC_RELAYER_KEY',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: activeSpanIds,
    },
    destination,
  );
}

function activeSpanIds(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
