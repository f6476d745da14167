import type { PhoneNumber } from '@coming/sms';

/** One message or receipt the SMSC took to route, as it saw it on the wire. */
export interface SmscLogEntry {
  readonly kind: 'message' | 'receipt';
  readonly messageId: string;
  readonly from: PhoneNumber;
  readonly to: PhoneNumber;
  readonly esmClass: number;
  readonly dataCoding: number;
  /** The user data header's information elements, without UDHL; empty when there is none. */
  readonly udhHex: string;
  readonly bodyHex: string;
}

/** The latest `capacity` entries, in a ring: the oldest make way, so a flood cannot grow it. */
export class SmscLog {
  private readonly entries: SmscLogEntry[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  add(entry: SmscLogEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  snapshot(): readonly SmscLogEntry[] {
    if (this.entries.length < this.capacity) return [...this.entries];
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }
}
