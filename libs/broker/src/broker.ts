import { DomainError } from '@coming/errors';

/** A message received on a subscription; `respond` answers a request. */
export interface BrokerMessage {
  /** The subject it was published on, without the deployment's prefix (not the subscription's wildcard). */
  readonly subject: string;
  readonly data: Uint8Array;
  respond(data: Uint8Array): void;
}

export interface BrokerSubscription {
  unsubscribe(): void;
}

export enum BrokerErrorCode {
  NoResponders = 'NO_RESPONDERS',
  Timeout = 'TIMEOUT',
  Unavailable = 'UNAVAILABLE',
}

export class BrokerError extends DomainError<BrokerErrorCode> {
  override readonly name = 'BrokerError';
}

/**
 * Live messaging between services: NATS when scaled, in-process on a single node.
 * Subjects are logical; each implementation adds the deployment's prefix.
 */
export abstract class Broker {
  abstract publish(subject: string, data: Uint8Array): Promise<void>;
  /** Resolves with the first reply; rejects with a BrokerError when nobody answers. */
  abstract request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** `*` in `subject` matches any one token, as in NATS. */
  abstract subscribe(subject: string, handler: (message: BrokerMessage) => void): BrokerSubscription;
  /**
   * Calls `listener` each time the broker connection comes back after being lost.
   * Subscriptions are restored by then, but whatever was published meanwhile is gone:
   * a subscriber that cannot afford to miss events catches up from the source of truth.
   * Returns the function that removes the listener.
   */
  abstract onReconnected(listener: () => void): () => void;
  /** Resolves once the broker is reachable; for readiness checks. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
