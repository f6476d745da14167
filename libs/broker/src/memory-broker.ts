import { context } from '@opentelemetry/api';
import { Broker, BrokerError, BrokerErrorCode, type BrokerMessage, type BrokerSubscription } from './broker';

type Handler = (message: BrokerMessage) => void;

/**
 * The single-node broker: exact-subject fan-out inside one process. Handlers run in the
 * sender's trace context, as they would after a NATS hop.
 */
export class MemoryBroker extends Broker {
  private readonly handlers = new Map<string, Set<Handler>>();

  publish(subject: string, data: Uint8Array): Promise<void> {
    this.dispatch(subject, data, () => undefined);
    return Promise.resolve();
  }

  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BrokerError(BrokerErrorCode.Timeout, `no reply on ${subject} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const reply = (answer: Uint8Array) => {
        clearTimeout(timer);
        resolve(answer);
      };
      if (!this.dispatch(subject, data, reply)) {
        clearTimeout(timer);
        reject(new BrokerError(BrokerErrorCode.NoResponders, `no subscriber on ${subject}`));
      }
    });
  }

  subscribe(subject: string, handler: Handler): BrokerSubscription {
    const handlers = this.handlers.get(subject) ?? new Set();
    handlers.add(handler);
    this.handlers.set(subject, handlers);
    return {
      unsubscribe: () => {
        handlers.delete(handler);
        if (handlers.size === 0) this.handlers.delete(subject);
      },
    };
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.handlers.clear();
    return Promise.resolve();
  }

  private dispatch(subject: string, data: Uint8Array, respond: (answer: Uint8Array) => void): boolean {
    const handlers = this.handlers.get(subject);
    if (handlers === undefined) return false;
    const sender = context.active();
    // Asynchronous like a network hop, so publishers never run subscriber code inline.
    for (const handler of handlers) queueMicrotask(() => context.with(sender, () => handler({ subject, data, respond })));
    return true;
  }
}
