import type { PhoneNumber, SmsCarrier, SmsPart } from '@coming/sms';

export interface ReceivedPart {
  readonly from: PhoneNumber;
  readonly part: SmsPart;
}

/** Collects what a carrier hands on, and lets a test wait for the next parts without sleeping. */
export class PartInbox {
  readonly received: ReceivedPart[] = [];
  private waiter: { count: number; resolve: () => void } | undefined;

  constructor(carrier: SmsCarrier) {
    carrier.onPart((from, part) => {
      this.received.push({ from, part });
      if (this.waiter && this.received.length >= this.waiter.count) this.waiter.resolve();
    });
  }

  /** Resolves with the parts after the first `skip`, once there are `count` of them. */
  async next(count: number, skip = 0): Promise<ReceivedPart[]> {
    const total = skip + count;
    if (this.received.length < total) await new Promise<void>((resolve) => (this.waiter = { count: total, resolve }));
    return this.received.slice(skip, total);
  }
}
