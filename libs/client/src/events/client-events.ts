import { EventEmitter } from 'node:events';
import type { RemovedDeviceNotice } from '../devices/device-management';
import type { PaymentEntry, PaymentRequestEntry } from '../payments/payment-entries';
import type { ReceivedMessage } from '../received-message';
import type { SentMessage } from '../sent-message';

/** Every event a client emits, with its listener's arguments. */
export interface ClientEventMap {
  /** A new message from a contact. */
  message: [message: ReceivedMessage];
  /** A message this account sent, from this device or, through a sync transcript, from another. */
  sent: [message: SentMessage];
  /** A contact's identity key changed (it is still signed by their account key). */
  identityChanged: [accountId: string];
  /** A problem with no caller to throw to, such as an undecryptable message or a store that cannot save. */
  error: [error: Error];
  /** The server has pushed everything stored while this device was away. */
  queueEmpty: [];
  /** The connection dropped, with its close code (4409: signed in elsewhere, 4410: this device was removed). */
  connectionClosed: [code: number, reason: string];
  /** Devices of this account were removed or expired; this device no longer copies its messages to them. */
  devicesRemoved: [removed: RemovedDeviceNotice[]];
  /** A payment request this account sent, or one a contact sent it. */
  paymentRequest: [request: PaymentRequestEntry];
  /**
   * A payment sent or received, each time its state changes: a received one first as
   * "verifying", then valid with its chain state, or invalid with the reason.
   */
  payment: [payment: PaymentEntry];
}

export type ClientEventName = keyof ClientEventMap;
export type ClientEventListener<Name extends ClientEventName> = (...args: ClientEventMap[Name]) => void;

/**
 * The one place client events go out. Node's emitter does the work; this adds types,
 * unsubscribe functions, and drops an `error` nobody listens to instead of throwing it
 * (Node's default), since errors here have no caller to reach anyway.
 */
export class ClientEvents {
  private readonly emitter = new EventEmitter<ClientEventMap>();

  constructor() {
    // Applications add a listener per view or command; the default warning at 10 is noise.
    this.emitter.setMaxListeners(0);
  }

  /** Calls `listener` on each `event` until the returned function is called. */
  on<Name extends ClientEventName>(event: Name, listener: ClientEventListener<Name>): () => void {
    // Node's typing of generic event maps cannot follow `Name` through; the map above is the contract.
    const untyped = listener as (...args: unknown[]) => void;
    (this.emitter as EventEmitter).on(event, untyped);
    return () => (this.emitter as EventEmitter).off(event, untyped);
  }

  emit<Name extends ClientEventName>(event: Name, ...args: ClientEventMap[Name]): void {
    if (event === 'error' && this.emitter.listenerCount('error') === 0) return;
    (this.emitter as EventEmitter).emit(event, ...args);
  }

  listenerCount(event: ClientEventName): number {
    return this.emitter.listenerCount(event);
  }
}
