import { type Msg, type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import { type Context, context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_TEMPLATE,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from '@opentelemetry/semantic-conventions/incubating';
import { BrokerError, BrokerErrorCode } from './broker';

const tracer = trace.getTracer('@coming/broker');

type Operation = 'publish' | 'request' | 'process';

/**
 * Runs a publish or request in a span of its own and hands it NATS headers carrying
 * that span's W3C trace context, so the receiving service continues the same trace.
 * `destination` is the subject's pattern (`deliver.*.*`): subjects name accounts, which
 * traces must not carry.
 */
export async function sendTraced<Result>(
  operation: Exclude<Operation, 'process'>,
  destination: string,
  data: Uint8Array,
  send: (headers: MsgHdrs) => Promise<Result>,
): Promise<Result> {
  const kind = operation === 'publish' ? SpanKind.PRODUCER : SpanKind.CLIENT;
  return tracer.startActiveSpan(operation, { kind, attributes: attributesOf(operation, destination, data) }, async (span) => {
    const headers = natsHeaders();
    propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
    try {
      return await send(headers);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Runs a subscription handler in a span whose parent is the sender's, taken from the message headers. */
export function processTraced(message: Msg, destination: string, handle: () => void): void {
  const parent = senderContext(message.headers);
  const span = tracer.startSpan(
    'process',
    { kind: SpanKind.CONSUMER, attributes: attributesOf('process', destination, message.data) },
    parent,
  );
  try {
    context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function senderContext(headers: MsgHdrs | undefined): Context {
  if (headers === undefined) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => (carrier.has(key) ? carrier.get(key) : undefined),
    keys: (carrier) => carrier.keys(),
  });
}

function attributesOf(operation: Operation, destination: string, data: Uint8Array) {
  return {
    [ATTR_MESSAGING_SYSTEM]: 'nats',
    [ATTR_MESSAGING_DESTINATION_NAME]: destination,
    [ATTR_MESSAGING_DESTINATION_TEMPLATE]: destination,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation === 'process' ? 'process' : 'send',
    [ATTR_MESSAGING_MESSAGE_BODY_SIZE]: data.byteLength,
  };
}

function failed(span: Span, error: unknown) {
  // Nobody subscribed is an answer, not a fault: an offline device's envelope goes to the mailbox.
  if (error instanceof BrokerError && error.code === BrokerErrorCode.NoResponders) {
    span.setAttribute('coming.nats.no_responders', true);
    return;
  }
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
