import { context } from '@opentelemetry/api';
import { Broker, BrokerError, BrokerErrorCode, type BrokerMessage, type BrokerSubscription } from './broker';

type Handler = (message: BrokerMessage) => void;

/**
 * The single-node broker: fan-out inside one process, with NATS's wildcards (`*` for one
 * token, `>` for the rest). Handlers run in the sender's trace context, as they would
 * after a NATS hop.
 */
export class MemoryBroker extends Broker {
  private readonly handlers = new Map<string, Set<Handler>>();
  /** Wildcard subscriptions apart, so that a publish looks up its exact subject and scans only these few. */
  private readonly wildcardHandlers = new Map<string, Set<Handler>>();

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
    const registry = isWildcard(subject) ? this.wildcardHandlers : this.handlers;
    const handlers = registry.get(subject) ?? new Set();
    handlers.add(handler);
    registry.set(subject, handlers);
    return {
      unsubscribe: () => {
        handlers.delete(handler);
        if (handlers.size === 0) registry.delete(subject);
      },
    };
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.handlers.clear();
    this.wildcardHandlers.clear();
    return Promise.resolve();
  }

  private dispatch(subject: string, data: Uint8Array, respond: (answer: Uint8Array) => void): boolean {
    const matching = [...(this.handlers.get(subject) ?? [])];
    for (const [pattern, handlers] of this.wildcardHandlers) if (matches(pattern, subject)) matching.push(...handlers);
    const sender = context.active();
    // Asynchronous like a network hop, so publishers never run subscriber code inline.
    for (const handler of matching) queueMicrotask(() => context.with(sender, () => handler({ subject, data, respond })));
    return matching.length > 0;
  }
}

function isWildcard(subject: string): boolean {
  return subject.split('.').some((token) => token === '*' || token === '>');
}

/** NATS subject matching: `*` stands for one token, a final `>` for one or more. */
function matches(pattern: string, subject: string): boolean {
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  for (const [index, token] of wanted.entries()) {
    if (token === '>') return tokens.length > index;
    if (index >= tokens.length || (token !== '*' && token !== tokens[index])) return false;
  }
  return wanted.length === tokens.length;
}
