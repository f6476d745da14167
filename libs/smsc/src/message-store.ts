import type { PhoneNumber } from '@coming/sms';

/** A message or receipt waiting for its recipient to take it. */
export interface HeldMessage {
  readonly id: string;
  readonly kind: 'message' | 'receipt';
  readonly from: PhoneNumber;
  readonly to: PhoneNumber;
  readonly esmClass: number;
  readonly dataCoding: number;
  /** The short_message octets as they go out: UDHL and header when there is one, then the body. */
  readonly shortMessage: Buffer;
  /** registered_delivery as submitted (0 for a receipt). */
  readonly registeredDelivery: number;
  readonly submittedAt: Date;
  /** For a receipt, the message it reports on and that message's state (SMPP 3.4's receipt TLVs). */
  readonly receipted?: { readonly messageId: string; readonly state: number };
  /** Sent on a session that has not answered yet. */
  inFlight: boolean;
  /** Refused for now by the recipient; tried again when it binds anew. */
  deferred: boolean;
}

export interface MessageStoreLimits {
  /** Messages held for one number: what one sender can do to a recipient is fill this. */
  readonly perRecipient: number;
  /** Messages one number has waiting anywhere: what one sender can take from everybody. */
  readonly perSender: number;
  /** Messages held in all. */
  readonly total: number;
}

export type HoldOutcome = 'held' | 'recipient-full' | 'sender-full' | 'store-full';

/**
 * Store and forward, bounded: one queue per recipient, in submission order. A message stays
 * until its recipient answered its deliver_sm, so one sent on a connection that drops goes
 * again on the next bind. Receipts count towards their recipient's queue and the total, not
 * towards any sender.
 */
export class MessageStore {
  private readonly queues = new Map<PhoneNumber, HeldMessage[]>();
  private readonly bySender = new Map<PhoneNumber, number>();
  private count = 0;

  constructor(private readonly limits: MessageStoreLimits) {}

  get size(): number {
    return this.count;
  }

  hold(message: HeldMessage): HoldOutcome {
    const queue = this.queues.get(message.to) ?? [];
    const sent = message.kind === 'message' ? (this.bySender.get(message.from) ?? 0) : 0;
    if (this.count >= this.limits.total) return 'store-full';
    if (queue.length >= this.limits.perRecipient) return 'recipient-full';
    if (sent >= this.limits.perSender) return 'sender-full';
    queue.push(message);
    this.queues.set(message.to, queue);
    if (message.kind === 'message') this.bySender.set(message.from, sent + 1);
    this.count += 1;
    return 'held';
  }

  /** The messages for `to` that wait to be sent, oldest first. */
  ready(to: PhoneNumber): HeldMessage[] {
    return (this.queues.get(to) ?? []).filter((message) => !message.inFlight && !message.deferred);
  }

  /** Makes what `to` refused for now eligible again. */
  undefer(to: PhoneNumber): void {
    for (const message of this.queues.get(to) ?? []) message.deferred = false;
  }

  remove(message: HeldMessage): void {
    const queue = this.queues.get(message.to);
    const index = queue?.indexOf(message) ?? -1;
    if (queue === undefined || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(message.to);
    this.count -= 1;
    if (message.kind === 'message') {
      const sent = (this.bySender.get(message.from) ?? 1) - 1;
      if (sent === 0) this.bySender.delete(message.from);
      else this.bySender.set(message.from, sent);
    }
  }
}
