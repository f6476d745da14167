import { describe, expect, it } from 'vitest';
import { randomBytes, seededRandom } from '../../test/support/seeded-random';
import type { PhoneNumber } from '../sms-carrier';
import type { SmsPart } from '../sms-part';
import { ConcatenationReferences } from './concatenation-references';
import { SmsCodecErrorCode } from './sms-codec.errors';
import { SmsDropReason } from './sms-drop-reason';
import { decodeSmsMessage, encodeSmsMessage } from './sms-message';
import { DEFAULT_SMS_REASSEMBLY_LIMITS, type ReassembledSms, SmsReassembler, type SmsReassemblyLimits } from './sms-reassembler';
import { splitIntoParts } from './split-into-parts';

const ALICE = '+15550001';
const BOB = '+15550002';
const MALLORY = '+15550666';
const TRUDY = '+15550667';

/** A reassembler on a clock the test moves, recording every drop. */
function harness(limits: Partial<SmsReassemblyLimits> = {}) {
  const clock = { time: 0 };
  const drops: { reason: SmsDropReason; from: PhoneNumber }[] = [];
  const reassembler = new SmsReassembler(
    limits,
    () => clock.time,
    (reason, from) => drops.push({ reason, from }),
  );
  return { reassembler, clock, drops, reasons: () => drops.map((drop) => drop.reason) };
}

const textPart = (udh: number[] | undefined, text = 'x'): SmsPart => ({
  ...(udh && { udh: Uint8Array.from(udh) }),
  body: { coding: 'gsm7', text },
});

function partsOf(bytes: Uint8Array, reference: number, mode: 'text' | 'binary' = 'text') {
  return splitIntoParts(encodeSmsMessage(bytes, { mode }), { reference });
}

function bytesOf(message: ReassembledSms | undefined): Uint8Array {
  const decoded = message && decodeSmsMessage(message.body);
  if (decoded?.kind !== 'coming') throw new Error(`expected a complete Coming message, got ${JSON.stringify(decoded)}`);
  return decoded.bytes;
}

/** Feeds parts in order; returns what completed. */
function feed(reassembler: SmsReassembler, from: PhoneNumber, parts: SmsPart[]): ReassembledSms[] {
  return parts.flatMap((part) => reassembler.accept(from, part) ?? []);
}

describe(SmsReassembler.name, () => {
  it('passes a part without a header through whole: a foreign SMS stays untouched', () => {
    const { reassembler } = harness();
    const body = { coding: 'gsm7', text: 'Running late, 10 min' } as const;
    const message = reassembler.accept(ALICE, { body });
    expect(message).toEqual({ from: ALICE, body });
    expect(decodeSmsMessage(message!.body)).toEqual({ kind: 'foreign' });
  });

  it('completes a message whose parts arrive out of order, in both modes', () => {
    const { reassembler } = harness();
    for (const mode of ['text', 'binary'] as const) {
      const bytes = randomBytes(seededRandom(5), 1_900);
      const parts = partsOf(bytes, 17, mode).reverse();
      expect(parts.length).toBeGreaterThan(10);
      const completed = feed(reassembler, ALICE, parts);
      expect(completed).toHaveLength(1);
      expect(bytesOf(completed[0])).toEqual(bytes);
    }
    expect(reassembler.stats()).toMatchObject({ pendingMessages: 0, heldBytes: 0 });
  });

  it('gives back the parts it holds as received, so that another reassembler holds them again and completes the message', () => {
    const { reassembler } = harness();
    const [text, binary] = [partsOf(randomBytes(seededRandom(6), 600), 3), partsOf(randomBytes(seededRandom(7), 600), 4, 'binary')];
    feed(reassembler, ALICE, text.slice(1));
    feed(reassembler, BOB, binary.slice(0, -1));
    feed(reassembler, BOB, partsOf(randomBytes(seededRandom(8), 10), 5));

    const held = reassembler.heldParts();
    expect(held).toEqual([
      ...text.slice(1).map((part) => ({ from: ALICE, part })),
      ...binary.slice(0, -1).map((part) => ({ from: BOB, part })),
    ]);
    const { reassembler: next } = harness();
    for (const { from, part } of held) expect(next.accept(from, part)).toBeUndefined();
    expect(bytesOf(next.accept(ALICE, text[0]!))).toEqual(bytesOf(reassembler.accept(ALICE, text[0]!)));
    expect(next.accept(BOB, binary.at(-1)!)).toBeDefined();
    expect(next.heldParts()).toEqual([]);
  });

  it('keeps the parts of the same reference from two senders apart', () => {
    const { reassembler } = harness();
    const [fromAlice, fromBob] = [randomBytes(seededRandom(1), 500), randomBytes(seededRandom(2), 500)];
    const aliceParts = partsOf(fromAlice, 3);
    const bobParts = partsOf(fromBob, 3);
    const completed = aliceParts.flatMap((part, index) => [reassembler.accept(ALICE, part), reassembler.accept(BOB, bobParts[index]!)]);
    expect(completed.filter(Boolean).map((message) => [message!.from, bytesOf(message)])).toEqual([
      [ALICE, fromAlice],
      [BOB, fromBob],
    ]);
  });

  it('ignores a repeated part, and repeated parts of a message completed within the window', () => {
    const { reassembler, clock, reasons } = harness();
    const [first, second] = partsOf(randomBytes(seededRandom(3), 200), 9);
    expect(reassembler.accept(ALICE, first!)).toBeUndefined();
    expect(reassembler.accept(ALICE, first!)).toBeUndefined();
    expect(reassembler.accept(ALICE, second!)).toBeDefined();
    clock.time += DEFAULT_SMS_REASSEMBLY_LIMITS.completedWindowMs - 1;
    expect(reassembler.accept(ALICE, second!)).toBeUndefined();
    expect(reasons()).toEqual([SmsDropReason.DuplicatePart, SmsDropReason.AlreadyCompleted]);
    // Past the window the reference is free again: the repeat starts a message that cannot complete alone.
    clock.time += 1;
    expect(reassembler.accept(ALICE, second!)).toBeUndefined();
    expect(reassembler.stats().pendingMessages).toBe(1);
  });

  it('gives up an incomplete message when its time runs out, and holds nothing for it after', () => {
    const { reassembler, clock, drops } = harness();
    const parts = partsOf(randomBytes(seededRandom(4), 400), 1);
    feed(reassembler, ALICE, parts.slice(1));
    clock.time += DEFAULT_SMS_REASSEMBLY_LIMITS.pendingTimeoutMs - 1;
    reassembler.sweep();
    expect(reassembler.stats().pendingMessages).toBe(1);
    clock.time += 1;
    reassembler.sweep();
    expect(drops).toEqual([{ reason: SmsDropReason.TimedOut, from: ALICE }]);
    expect(reassembler.stats()).toMatchObject({ pendingMessages: 0, heldBytes: 0 });
    expect(reassembler.accept(ALICE, parts[0]!)).toBeUndefined();
  });

  it.each([
    ['an element cut short', [0x00, 3, 1, 2], SmsDropReason.HeaderOverrun],
    ['an identifier without its length', [0x00], SmsDropReason.HeaderOverrun],
    ['an unknown element running past the end', [0x00, 3, 1, 1, 1, 0x70, 5, 0], SmsDropReason.HeaderOverrun],
    ['an 8-bit concatenation of 2 octets', [0x00, 2, 1, 2], SmsDropReason.BadElementLength],
    ['a 16-bit concatenation of 3 octets', [0x08, 3, 1, 2, 1], SmsDropReason.BadElementLength],
    ['a 16-bit port element of 3 octets', [0x05, 3, 0, 1, 0], SmsDropReason.BadElementLength],
    ['two concatenation elements', [0x00, 3, 1, 2, 1, 0x08, 4, 0, 1, 2, 1], SmsDropReason.RepeatedElement],
    ['two port elements', [0x04, 2, 1, 2, 0x05, 4, 0, 1, 0, 2], SmsDropReason.RepeatedElement],
    ['a count of 0', [0x00, 3, 1, 0, 1], SmsDropReason.ZeroParts],
    ['a sequence number of 0', [0x00, 3, 1, 2, 0], SmsDropReason.BadSequence],
    ['a sequence number above the count', [0x08, 4, 0, 1, 2, 3], SmsDropReason.BadSequence],
    ['more parts than the per-message cap covers', [0x00, 3, 1, 255, 1], SmsDropReason.Oversized],
  ])('drops a part with %s, holding nothing', (_, udh, reason) => {
    const { reassembler, drops } = harness();
    expect(reassembler.accept(MALLORY, textPart(udh))).toBeUndefined();
    expect(drops).toEqual([{ reason, from: MALLORY }]);
    expect(reassembler.stats()).toMatchObject({ pendingMessages: 0, heldBytes: 0, dropped: expect.objectContaining({ [reason]: 1 }) });
  });

  it('skips elements it does not know, as the specification asks', () => {
    const { reassembler } = harness();
    const message = reassembler.accept(ALICE, textPart([0x70, 1, 0xff, 0x00, 3, 1, 1, 1], 'hi'));
    expect(message?.body).toEqual({ coding: 'gsm7', text: 'hi' });
  });

  it('drops parts that disagree with the earlier parts of their reference on count, coding or ports', () => {
    const { reassembler, reasons } = harness();
    reassembler.accept(MALLORY, textPart([0x00, 3, 7, 2, 1]));
    reassembler.accept(MALLORY, textPart([0x00, 3, 7, 3, 2]));
    reassembler.accept(MALLORY, { udh: Uint8Array.of(0x00, 3, 7, 2, 2), body: { coding: 'binary', bytes: Uint8Array.of(1) } });
    reassembler.accept(MALLORY, textPart([0x00, 3, 7, 2, 2, 0x05, 4, 0, 1, 0, 2]));
    expect(reasons()).toEqual([SmsDropReason.InconsistentParts, SmsDropReason.InconsistentParts, SmsDropReason.InconsistentParts]);
    expect(reassembler.stats().pendingMessages).toBe(1);
  });

  it('drops a part carrying more than one SMS can after its header, and a whole message over the cap', () => {
    const { reassembler, reasons } = harness();
    reassembler.accept(MALLORY, textPart([0x00, 3, 1, 2, 1], 'x'.repeat(154)));
    reassembler.accept(MALLORY, { udh: Uint8Array.of(0x00, 3, 1, 2, 1), body: { coding: 'binary', bytes: new Uint8Array(135) } });
    reassembler.accept(MALLORY, textPart(undefined, 'x'.repeat(DEFAULT_SMS_REASSEMBLY_LIMITS.maxMessageBytes + 1)));
    expect(reasons()).toEqual([SmsDropReason.PartTooLarge, SmsDropReason.PartTooLarge, SmsDropReason.Oversized]);
    expect(reassembler.stats().heldBytes).toBe(0);
  });

  it("evicts a sender's own oldest message past its pending count", () => {
    const { reassembler, drops } = harness();
    const messages = Array.from({ length: DEFAULT_SMS_REASSEMBLY_LIMITS.maxPendingPerSender + 1 }, (_, reference) =>
      partsOf(randomBytes(seededRandom(reference), 300), reference),
    );
    for (const parts of messages) reassembler.accept(ALICE, parts[0]!);
    expect(drops).toEqual([{ reason: SmsDropReason.Evicted, from: ALICE }]);
    expect(feed(reassembler, ALICE, messages[1]!.slice(1))).toHaveLength(1);
    expect(feed(reassembler, ALICE, messages[0]!.slice(1))).toEqual([]);
  });

  it.each([1, 2, 3, 4, 5])(
    'delivers every message that lost no part exactly once through reordering and repeats, and times out the rest (seed %i)',
    (seed) => {
      const random = seededRandom(seed);
      const { reassembler, clock, reasons } = harness({ maxPendingPerSender: 64, maxBytesPerSender: 512 * 1024 });
      const senders = [ALICE, BOB, TRUDY];
      const references = new ConcatenationReferences(8, () => Math.floor(random() * 256));
      const expected = new Map<string, number>();
      const deliveries: { from: PhoneNumber; part: SmsPart }[] = [];
      let timedOut = 0;
      for (let index = 0; index < 40; index++) {
        const from = senders[Math.floor(random() * senders.length)]!;
        const bytes = randomBytes(random, Math.floor(random() * 2_500));
        const parts = partsOf(bytes, references.take(from), random() < 0.5 ? 'text' : 'binary');
        const lost = random() < 0.2 ? Math.floor(random() * parts.length) : -1;
        if (lost < 0) expected.set(`${from}:${Buffer.from(bytes).toString('hex')}`, 1);
        else if (parts.length > 1) timedOut++;
        parts.forEach((part, sequence) => {
          if (sequence === lost) return;
          deliveries.push({ from, part });
          // A part without a header cannot be told from a new message; the Signal layer drops such repeats.
          if (part.udh && random() < 0.25) deliveries.push({ from, part });
        });
      }
      for (let index = deliveries.length - 1; index > 0; index--) {
        const other = Math.floor(random() * (index + 1));
        [deliveries[index], deliveries[other]] = [deliveries[other]!, deliveries[index]!];
      }

      const delivered = new Map<string, number>();
      for (const { from, part } of deliveries) {
        clock.time += 100;
        const message = reassembler.accept(from, part);
        if (!message) continue;
        const key = `${message.from}:${Buffer.from(bytesOf(message)).toString('hex')}`;
        delivered.set(key, (delivered.get(key) ?? 0) + 1);
      }
      expect(delivered).toEqual(expected);
      clock.time += DEFAULT_SMS_REASSEMBLY_LIMITS.pendingTimeoutMs;
      reassembler.sweep();
      expect(reasons().filter((reason) => reason === SmsDropReason.TimedOut)).toHaveLength(timedOut);
      expect(reasons()).not.toContain(SmsDropReason.Evicted);
      expect(reassembler.stats()).toMatchObject({ pendingMessages: 0, heldBytes: 0 });
    },
  );

  it("keeps memory under the caps through two numbers' floods, and another sender's message still completes", () => {
    const limits = { maxBytesPerSender: 40_000, maxBytes: 50_000 };
    const { reassembler, drops } = harness(limits);
    const bytes = randomBytes(seededRandom(9), 1_900);
    const honest = partsOf(bytes, 200);
    const flood = (reference: number, sequence: number) =>
      textPart([0x08, 4, reference >> 8, reference & 0xff, 100, sequence], 'x'.repeat(152));
    let mostHeld = 0;
    const completed: ReassembledSms[] = [];
    for (let index = 0; index < 20_000; index++) {
      // Each flooding number sends 99 of the 100 parts of one message after another, so that none completes.
      const own = Math.floor(index / 2);
      reassembler.accept(index % 2 ? MALLORY : TRUDY, flood(Math.floor(own / 99), 1 + (own % 99)));
      if (index % 1_000 === 999) completed.push(...feed(reassembler, ALICE, honest.slice((index - 999) / 1_000, (index + 1) / 1_000)));
      mostHeld = Math.max(mostHeld, reassembler.stats().heldBytes);
    }
    expect(honest.length).toBeLessThan(20);
    expect(completed).toHaveLength(1);
    expect(bytesOf(completed[0])).toEqual(bytes);
    expect(mostHeld).toBeGreaterThan(limits.maxBytes - 1_000);
    expect(mostHeld).toBeLessThanOrEqual(limits.maxBytes);
    expect(drops.filter((drop) => drop.reason === SmsDropReason.Evicted).length).toBeGreaterThan(100);
    expect(drops.filter((drop) => drop.from === ALICE)).toEqual([]);
  });

  it('holds one sender to its own cap, however many messages it opens', () => {
    const limits = { maxBytesPerSender: 40_000 };
    const { reassembler } = harness(limits);
    let mostHeld = 0;
    for (let reference = 0; reference < 5_000; reference++) {
      reassembler.accept(MALLORY, textPart([0x08, 4, reference >> 8, reference & 0xff, 2, 1], 'x'.repeat(152)));
      mostHeld = Math.max(mostHeld, reassembler.stats().heldBytes);
    }
    expect(mostHeld).toBeLessThanOrEqual(limits.maxBytesPerSender);
    expect(reassembler.stats().pendingMessages).toBe(DEFAULT_SMS_REASSEMBLY_LIMITS.maxPendingPerSender);
  });

  it('remembers a bounded number of completions per sender and in all', () => {
    const { reassembler } = harness({ maxCompletedPerSender: 10, maxCompleted: 15 });
    for (let reference = 0; reference < 1_000; reference++) {
      for (const from of [MALLORY, TRUDY])
        expect(reassembler.accept(from, textPart([0x08, 4, reference >> 8, reference & 0xff, 1, 1]))).toBeDefined();
    }
    expect(reassembler.stats().rememberedCompletions).toBe(15);
  });

  it('refuses limits under which a message within them could not complete', () => {
    expect(() => new SmsReassembler({ maxBytesPerSender: 20_000 })).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.InvalidLimits, message: expect.stringContaining('maxBytesPerSender 20000') }),
    );
    expect(() => new SmsReassembler({ maxBytes: 50_000 })).toThrow(expect.objectContaining({ code: SmsCodecErrorCode.InvalidLimits }));
    expect(() => new SmsReassembler({ pendingTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('pendingTimeoutMs 0') }),
    );
  });
});
