import { context } from '@opentelemetry/api';
import { Broker, BrokerError, BrokerErrorCode, type BrokerMessage, type BrokerSubscription } from './broker';

type Handler = (message: BrokerMessage) => void;

/**
 * The single-node broker: subject fan-out inside one process, with NATS's `*` wildcard.
 * Handlers run in the sender's trace context, as they would after a NATS hop.
 */
export class MemoryBroker extends Broker {
  // Keyed by the subscription's subject up to its first wildcard token ("device.a.1." for
  // "device.a.1.*"), so a publish looks up one key per token instead of scanning them all.
  private readonly subscriptions = new Map<string, Map<Handler, string[]>>();

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
    const tokens = subject.split('.');
    const wildcard = tokens.indexOf('*');
    const key = wildcard === -1 ? subject : `${tokens.slice(0, wildcard).join('.')}.`;
    const handlers = this.subscriptions.get(key) ?? new Map<Handler, string[]>();
    handlers.set(handler, tokens);
    this.subscriptions.set(key, handlers);
    return {
      unsubscribe: () => {
        handlers.delete(handler);
        if (handlers.size === 0) this.subscriptions.delete(key);
      },
    };
  }

  /** In-process: the broker is never lost. */
  onReconnected(): () => void {
    return () => undefined;
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.subscriptions.clear();
    return Promise.resolve();
  }

  private dispatch(subject: string, data: Uint8Array, respond: (answer: Uint8Array) => void): boolean {
    const matching = this.handlersOf(subject);
    if (matching.length === 0) return false;
    const sender = context.active();
    // Asynchronous like a network hop, so publishers never run subscriber code inline.
    for (const handler of matching) queueMicrotask(() => context.with(sender, () => handler({ subject, data, respond })));
    return true;
  }

  private handlersOf(subject: string): Handler[] {
    const tokens = subject.split('.');
    const keys = [subject, ...tokens.map((_, index) => `${tokens.slice(0, index).join('.')}.`)];
    return keys.flatMap((key) =>
      [...(this.subscriptions.get(key) ?? new Map<Handler, string[]>())]
        .filter(([, pattern]) => matches(pattern, tokens))
        .map(([handler]) => handler),
    );
  }
}

function matches(pattern: string[], tokens: string[]): boolean {
  return pattern.length === tokens.length && pattern.every((token, index) => token === '*' || token === tokens[index]);
}
