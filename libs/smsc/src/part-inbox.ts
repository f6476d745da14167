import type { PhoneNumber, SmsCarrier, SmsPart } from '@coming/sms';

export interface ReceivedPart {
  readonly from: PhoneNumber;
  readonly part: SmsPart;
}

/** Collects what a carrier receives, for tests to wait on by count instead of by time. */
export class PartInbox {
  readonly received: ReceivedPart[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(carrier: SmsCarrier) {
    carrier.onPart((from, part) => {
      this.received.push({ from, part });
      for (const waiter of this.waiters.filter((candidate) => this.received.length >= candidate.count)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  /** Resolves with the first `count` parts once that many arrived. */
  async first(count: number): Promise<ReceivedPart[]> {
    if (this.received.length < count) await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    return this.received.slice(0, count);
  }
}
