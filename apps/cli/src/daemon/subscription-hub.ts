import type { Subscriber } from '../account/account';
import type { Notify, Subscriptions } from './daemon-methods';

/** The daemon's one subscription to its account, fanned out to every subscribed connection. */
export class SubscriptionHub implements Subscriptions {
  private readonly peers = new Set<Notify>();
  /** Whether the stored backlog has been drained since the daemon connected, for late subscribers. */
  private caughtUp = false;

  add(peer: Notify): { caughtUp: boolean } {
    this.peers.add(peer);
    return { caughtUp: this.caughtUp };
  }

  remove(peer: Notify): void {
    this.peers.delete(peer);
  }

  subscriber(ended: (error: Error) => void): Subscriber {
    return {
      message: (message) => this.peers.forEach((peer) => peer('message', message)),
      payment: (event) => this.peers.forEach((peer) => peer('payment', event)),
      caughtUp: () => {
        this.caughtUp = true;
        this.peers.forEach((peer) => peer('caughtUp', {}));
      },
      devicesRemoved: (removed) => this.peers.forEach((peer) => peer('devicesRemoved', removed)),
      ended,
    };
  }
}
