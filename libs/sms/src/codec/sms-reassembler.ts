import type { PhoneNumber } from '../sms-carrier';
import type { SmsBody, SmsPart } from '../sms-part';
import { concatBytes } from './bytes';
import { MAX_SMS_PARTS, partCapacity } from './split-into-parts';
import { SmsCodecError, SmsCodecErrorCode } from './sms-codec.errors';
import { SmsDropReason } from './sms-drop-reason';
import { type SmsPorts, readUserDataHeader } from './user-data-header';

/**
 * What the reassembler may hold. Sizes count octets of binary parts and characters (septets)
 * of text parts, plus a fixed charge for each part and pending message, so that floods of
 * empty parts cost memory too.
 */
export interface SmsReassemblyLimits {
  /** The most a message may hold: its announced part count times the most one part carries. */
  readonly maxMessageBytes: number;
  /** Pending (incomplete) messages one sender may have; a further one evicts its oldest. */
  readonly maxPendingPerSender: number;
  /** Bytes one sender's pending messages may hold; past that its oldest are evicted. */
  readonly maxBytesPerSender: number;
  /** Bytes all pending messages may hold; past that the sender holding most loses its oldest. */
  readonly maxBytes: number;
  /** How long after its first part an incomplete message is given up. */
  readonly pendingTimeoutMs: number;
  /** How long a completed message is remembered, so that repeated parts of it are not delivered again. */
  readonly completedWindowMs: number;
  /** Completed messages remembered per sender, and in all. */
  readonly maxCompletedPerSender: number;
  readonly maxCompleted: number;
}

/** A charge for the maps and records behind each part and each pending message. */
export const PART_OVERHEAD_BYTES = 64;
export const MESSAGE_OVERHEAD_BYTES = 256;

/** An 8-bit concatenation element (5 octets) and the header's length octet: no concatenated part carries more than the rest. */
const SMALLEST_CONCATENATED_HEADER_OCTETS = 6;

export const DEFAULT_SMS_REASSEMBLY_LIMITS: SmsReassemblyLimits = {
  maxMessageBytes: 16_384,
  maxPendingPerSender: 8,
  maxBytesPerSender: 64 * 1024,
  maxBytes: 1024 * 1024,
  pendingTimeoutMs: 30 * 60_000,
  completedWindowMs: 10 * 60_000,
  maxCompletedPerSender: 64,
  maxCompleted: 8_192,
};

/** A whole message body, ready for decodeSmsMessage, and who sent it. */
export interface ReassembledSms {
  readonly from: PhoneNumber;
  readonly body: SmsBody;
  readonly ports?: SmsPorts;
}

export interface SmsReassemblerStats {
  readonly pendingMessages: number;
  /** What pending messages hold, counted as the limits count it. */
  readonly heldBytes: number;
  readonly rememberedCompletions: number;
  readonly dropped: Readonly<Record<SmsDropReason, number>>;
}

interface PendingMessage {
  readonly key: string;
  readonly from: PhoneNumber;
  readonly coding: SmsBody['coding'];
  readonly total: number;
  readonly ports?: SmsPorts;
  readonly firstSeenAt: number;
  /** By sequence number, as received (header and all), so that heldParts can give them back. */
  readonly parts: Map<number, SmsPart>;
  bytes: number;
}

interface SenderHoldings {
  readonly messages: Map<string, PendingMessage>;
  bytes: number;
}

interface Completion {
  readonly from: PhoneNumber;
  readonly total: number;
  readonly expiresAt: number;
}

/**
 * Puts concatenated SMS back together. Everything it is fed comes from the network and may
 * be hostile: bad parts are dropped silently, each with a named reason (counted in stats()
 * and passed to onDropped), and what it holds stays under the limits however parts arrive.
 *
 * A flood from one number evicts that number's own oldest messages first (per-sender caps),
 * and when the global cap is reached it is the sender holding the most who loses its oldest
 * message; so a sender holding less than another never loses a message to that other's
 * parts. Originators can be spoofed, though: a flood spread over many numbers, each below
 * the per-sender caps, can still push honest messages out once the global cap is full.
 */
export class SmsReassembler {
  private readonly limits: SmsReassemblyLimits;
  private readonly senders = new Map<PhoneNumber, SenderHoldings>();
  // Both in arrival order, which is expiry order, so expiring reads from the front only.
  private readonly pending = new Map<string, PendingMessage>();
  private readonly completions = new Map<string, Completion>();
  private readonly completionsBySender = new Map<PhoneNumber, Set<string>>();
  private readonly dropped = Object.fromEntries(Object.values(SmsDropReason).map((reason) => [reason, 0])) as Record<SmsDropReason, number>;
  private heldBytes = 0;

  constructor(
    limits: Partial<SmsReassemblyLimits> = {},
    private readonly now: () => number = Date.now,
    private readonly onDropped: (reason: SmsDropReason, from: PhoneNumber) => void = () => {},
  ) {
    this.limits = { ...DEFAULT_SMS_REASSEMBLY_LIMITS, ...limits };
    checkLimits(this.limits);
  }

  /** Takes one received part; returns the message it completes, if it does. */
  accept(from: PhoneNumber, part: SmsPart): ReassembledSms | undefined {
    this.sweep();
    const size = sizeOf(part.body);
    if (!part.udh || part.udh.length === 0) return this.whole(from, part.body, undefined, size);
    const header = readUserDataHeader(part.udh);
    if (!header.valid) return this.drop(header.reason, from);
    if (size > partCapacity(part.body.coding, part.udh.length + 1)) return this.drop(SmsDropReason.PartTooLarge, from);
    const { concatenation, ports } = header;
    if (!concatenation) return this.whole(from, part.body, ports, size);
    if (concatenation.total * partCapacity(part.body.coding, SMALLEST_CONCATENATED_HEADER_OCTETS) > this.limits.maxMessageBytes) {
      return this.drop(SmsDropReason.Oversized, from);
    }
    const key = `${concatenation.referenceBits}:${concatenation.reference}:${from}`;
    const completion = this.completions.get(key);
    if (completion?.total === concatenation.total) return this.drop(SmsDropReason.AlreadyCompleted, from);

    let message = this.pending.get(key);
    if (message && (message.total !== concatenation.total || message.coding !== part.body.coding || !samePorts(message.ports, ports))) {
      return this.drop(SmsDropReason.InconsistentParts, from);
    }
    if (message?.parts.has(concatenation.sequence)) return this.drop(SmsDropReason.DuplicatePart, from);
    const charge = size + PART_OVERHEAD_BYTES + (message ? 0 : MESSAGE_OVERHEAD_BYTES);
    if (!this.makeRoom(from, key, charge, !message)) return this.drop(SmsDropReason.Evicted, from);
    if (!message) {
      message = {
        key,
        from,
        coding: part.body.coding,
        total: concatenation.total,
        ports,
        firstSeenAt: this.now(),
        parts: new Map(),
        bytes: 0,
      };
      this.pending.set(key, message);
      this.holdingsOf(from).messages.set(key, message);
    }
    // A copy: the carrier's octets may be a view into a larger buffer, which holding would keep alive uncounted.
    const body: SmsBody = part.body.coding === 'gsm7' ? part.body : { coding: 'binary', bytes: part.body.bytes.slice() };
    message.parts.set(concatenation.sequence, { udh: part.udh.slice(), body });
    this.charge(message, charge);
    if (message.parts.size < message.total) return undefined;

    this.remove(message);
    this.remember(key, from, message.total);
    return { from, body: assemble(message), ...(ports && { ports }) };
  }

  /** Gives up incomplete messages past their time and forgets old completions; accept does this too. */
  sweep(): void {
    const now = this.now();
    for (const message of this.pending.values()) {
      if (message.firstSeenAt + this.limits.pendingTimeoutMs > now) break;
      this.remove(message);
      this.drop(SmsDropReason.TimedOut, message.from);
    }
    for (const [key, completion] of this.completions) {
      if (completion.expiresAt > now) break;
      this.forget(key, completion.from);
    }
  }

  /**
   * The parts of the messages still incomplete, as they were received, oldest message first:
   * what a client keeps across a restart, and feeds to a new reassembler to hold them again.
   */
  heldParts(): { readonly from: PhoneNumber; readonly part: SmsPart }[] {
    return [...this.pending.values()].flatMap(({ from, parts }) => [...parts.values()].map((part) => ({ from, part })));
  }

  stats(): SmsReassemblerStats {
    return {
      pendingMessages: this.pending.size,
      heldBytes: this.heldBytes,
      rememberedCompletions: this.completions.size,
      dropped: { ...this.dropped },
    };
  }

  private whole(from: PhoneNumber, body: SmsBody, ports: SmsPorts | undefined, size: number): ReassembledSms | undefined {
    if (size > this.limits.maxMessageBytes) return this.drop(SmsDropReason.Oversized, from);
    return { from, body, ...(ports && { ports }) };
  }

  private drop(reason: SmsDropReason, from: PhoneNumber): undefined {
    this.dropped[reason]++;
    this.onDropped(reason, from);
    return undefined;
  }

  /**
   * Evicts pending messages, never the one with `key`, until `charge` more bytes fit: first
   * the sender's own oldest, against its caps, then the oldest of whoever holds the most.
   */
  private makeRoom(from: PhoneNumber, key: string, charge: number, opensMessage: boolean): boolean {
    const own = this.senders.get(from);
    if (own) {
      const ownCount = () => own.messages.size + (opensMessage ? 1 : 0);
      while (ownCount() > this.limits.maxPendingPerSender || own.bytes + charge > this.limits.maxBytesPerSender) {
        if (!this.evictOldest(own, key)) return false;
      }
    }
    while (this.heldBytes + charge > this.limits.maxBytes) {
      let largest: SenderHoldings | undefined;
      for (const holdings of this.senders.values()) {
        if ((!largest || holdings.bytes > largest.bytes) && oldestExcept(holdings, key)) largest = holdings;
      }
      if (!largest) return false;
      this.evictOldest(largest, key);
    }
    return true;
  }

  private evictOldest(holdings: SenderHoldings, key: string): boolean {
    const victim = oldestExcept(holdings, key);
    if (!victim) return false;
    this.remove(victim);
    this.drop(SmsDropReason.Evicted, victim.from);
    return true;
  }

  private holdingsOf(from: PhoneNumber): SenderHoldings {
    let holdings = this.senders.get(from);
    if (!holdings) {
      holdings = { messages: new Map(), bytes: 0 };
      this.senders.set(from, holdings);
    }
    return holdings;
  }

  private charge(message: PendingMessage, bytes: number): void {
    message.bytes += bytes;
    this.holdingsOf(message.from).bytes += bytes;
    this.heldBytes += bytes;
  }

  private remove(message: PendingMessage): void {
    this.charge(message, -message.bytes);
    this.pending.delete(message.key);
    const holdings = this.holdingsOf(message.from);
    holdings.messages.delete(message.key);
    if (holdings.messages.size === 0) this.senders.delete(message.from);
  }

  private remember(key: string, from: PhoneNumber, total: number): void {
    // Re-inserted at the back, as its window starts now.
    this.forget(key, from);
    this.completions.set(key, { from, total, expiresAt: this.now() + this.limits.completedWindowMs });
    let keys = this.completionsBySender.get(from);
    if (!keys) {
      keys = new Set();
      this.completionsBySender.set(from, keys);
    }
    keys.add(key);
    if (keys.size > this.limits.maxCompletedPerSender) this.forget(keys.values().next().value!, from);
    if (this.completions.size > this.limits.maxCompleted) {
      const [oldestKey, oldest] = this.completions.entries().next().value!;
      this.forget(oldestKey, oldest.from);
    }
  }

  private forget(key: string, from: PhoneNumber): void {
    this.completions.delete(key);
    const keys = this.completionsBySender.get(from);
    keys?.delete(key);
    if (keys?.size === 0) this.completionsBySender.delete(from);
  }
}

function oldestExcept(holdings: SenderHoldings, key: string): PendingMessage | undefined {
  for (const message of holdings.messages.values()) if (message.key !== key) return message;
  return undefined;
}

function sizeOf(body: SmsBody): number {
  return body.coding === 'gsm7' ? body.text.length : body.bytes.length;
}

function samePorts(first: SmsPorts | undefined, second: SmsPorts | undefined): boolean {
  return first?.destination === second?.destination && first?.source === second?.source;
}

function assemble(message: PendingMessage): SmsBody {
  const bodies = Array.from({ length: message.total }, (_, index) => message.parts.get(index + 1)!.body);
  if (message.coding === 'gsm7') return { coding: 'gsm7', text: bodies.map((body) => (body.coding === 'gsm7' ? body.text : '')).join('') };
  return { coding: 'binary', bytes: concatBytes(...bodies.map((body) => (body.coding === 'binary' ? body.bytes : new Uint8Array()))) };
}

/** Refuses limits under which a message that obeys them could still not complete. */
function checkLimits(limits: SmsReassemblyLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new SmsCodecError(SmsCodecErrorCode.InvalidLimits, `${name} ${value} is not a positive whole number`);
    }
  }
  const largestMessage = MESSAGE_OVERHEAD_BYTES + limits.maxMessageBytes + MAX_SMS_PARTS * PART_OVERHEAD_BYTES;
  if (limits.maxBytesPerSender < largestMessage) {
    throw new SmsCodecError(
      SmsCodecErrorCode.InvalidLimits,
      `maxBytesPerSender ${limits.maxBytesPerSender} is below the ${largestMessage} one message of maxMessageBytes may hold`,
    );
  }
  if (limits.maxBytes < limits.maxBytesPerSender) {
    throw new SmsCodecError(
      SmsCodecErrorCode.InvalidLimits,
      `maxBytes ${limits.maxBytes} is below maxBytesPerSender ${limits.maxBytesPerSender}`,
    );
  }
}
