import { type SmsPart, SmsReassembler, decodeSmsMessage, encodeSmsMessage, splitIntoParts } from '@coming/sms';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/** Things a test started, closed after it in reverse order. */
export class Started {
  private readonly things: { close(): Promise<void> }[] = [];

  add<Thing extends { close(): Promise<void> }>(thing: Thing): Thing {
    this.things.push(thing);
    return thing;
  }

  async closeAll(): Promise<void> {
    for (const thing of this.things.splice(0).reverse()) await thing.close();
  }
}

/** The bytes of the one Coming message the parts make up, through the codec's reassembler as a client would. */
export function reassembleOne(parts: readonly { from: string; part: SmsPart }[]): Uint8Array {
  const reassembler = new SmsReassembler();
  const messages = parts.flatMap(({ from, part }) => reassembler.accept(from, part) ?? []);
  expect(messages).toHaveLength(1);
  const decoded = decodeSmsMessage(messages[0]!.body);
  if (decoded.kind !== 'coming') throw new Error('not a Coming message');
  return decoded.bytes;
}

/** A random text-mode and a random binary-mode Coming message, each split into more than two parts. */
export function multiPartMessages() {
  const textBytes = Uint8Array.from(randomBytes(400));
  const binaryBytes = Uint8Array.from(randomBytes(300));
  const textParts = splitIntoParts(encodeSmsMessage(textBytes), { reference: 7 });
  const binaryParts = splitIntoParts(encodeSmsMessage(binaryBytes, { mode: 'binary' }), { reference: 8 });
  expect(textParts.length).toBeGreaterThan(2);
  expect(binaryParts.length).toBeGreaterThan(2);
  return { textBytes, binaryBytes, textParts, binaryParts };
}
