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
  abstract subscribe(subject: string, handler: (message: BrokerMessage) => void): BrokerSubscription;
  /**
   * Calls `listener` each time the connection comes back after a loss. Messages published
   * while it was down were missed, so state kept up to date by events must be dropped.
   * An in-process broker never loses its connection and never calls it.
   */
  onReconnect(_listener: () => void): BrokerSubscription {
    return { unsubscribe: () => undefined };
  }
  /** Resolves once the broker is reachable; for readiness checks. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
