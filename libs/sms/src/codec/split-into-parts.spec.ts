import { describe, expect, it } from 'vitest';
import { randomBytes, seededRandom } from '../../test/support/seeded-random';
import type { SmsBody, SmsPart } from '../sms-part';
import { SmsCodecErrorCode } from './sms-codec.errors';
import { MAX_SMS_PARTS, partCapacity, splitIntoParts } from './split-into-parts';

const text = (length: number): SmsBody => ({ coding: 'gsm7', text: 'abcdefghij'.repeat(Math.ceil(length / 10)).slice(0, length) });
const binary = (length: number): SmsBody => ({ coding: 'binary', bytes: randomBytes(seededRandom(length), length) });
const lengths = (parts: SmsPart[]) => parts.map(({ body }) => (body.coding === 'gsm7' ? body.text.length : body.bytes.length));
const joined = (parts: SmsPart[]) =>
  parts.map(({ body }) => (body.coding === 'gsm7' ? body.text : Buffer.from(body.bytes).toString('hex'))).join('');

describe(partCapacity.name, () => {
  it('leaves the figures of 3GPP TS 23.040 for each header', () => {
    // No header; 8-bit concatenation (6 octets with the length); 16-bit (7); 16-bit ports and 8-bit concatenation (12).
    expect([0, 6, 7, 12].map((octets) => partCapacity('gsm7', octets))).toEqual([160, 153, 152, 146]);
    expect([0, 6, 7, 12].map((octets) => partCapacity('binary', octets))).toEqual([140, 134, 133, 128]);
  });
});

describe(splitIntoParts.name, () => {
  it('sends what fits one SMS without a header', () => {
    expect(splitIntoParts(text(160), { reference: 1 })).toEqual([{ body: text(160) }]);
    expect(splitIntoParts(binary(140), { reference: 1 })).toEqual([{ body: binary(140) }]);
    expect(splitIntoParts(text(0), { reference: 1 })).toEqual([{ body: text(0) }]);
  });

  it('splits longer text into 153-septet parts with an 8-bit concatenation element', () => {
    const parts = splitIntoParts(text(161), { reference: 42 });
    expect(lengths(parts)).toEqual([153, 8]);
    expect(parts.map((part) => [...part.udh!])).toEqual([
      [0x00, 3, 42, 2, 1],
      [0x00, 3, 42, 2, 2],
    ]);
    expect(joined(parts)).toBe(joined([{ body: text(161) }]));
  });

  it('splits into 152-septet parts with a 16-bit reference', () => {
    const parts = splitIntoParts(text(305), { reference: 0x1234, referenceBits: 16 });
    expect(lengths(parts)).toEqual([152, 152, 1]);
    expect([...parts[2]!.udh!]).toEqual([0x08, 4, 0x12, 0x34, 3, 3]);
  });

  it('splits binary into 134-, 133- or 128-octet parts by header', () => {
    expect(lengths(splitIntoParts(binary(141), { reference: 1 }))).toEqual([134, 7]);
    expect(lengths(splitIntoParts(binary(267), { reference: 1, referenceBits: 16 }))).toEqual([133, 133, 1]);
    const ported = splitIntoParts(binary(257), { reference: 9, ports: { destination: 0x0b84, source: 0x23f0 } });
    expect(lengths(ported)).toEqual([128, 128, 1]);
    expect([...ported[0]!.udh!]).toEqual([0x00, 3, 9, 3, 1, 0x05, 4, 0x0b, 0x84, 0x23, 0xf0]);
    expect(joined(ported)).toBe(joined([{ body: binary(257) }]));
  });

  it('sends a port-addressed message that fits one SMS with the port element only', () => {
    // The port element takes 7 octets with the header length, leaving 133.
    const parts = splitIntoParts(binary(133), { reference: 9, ports: { destination: 1, source: 2 } });
    expect(parts).toEqual([{ udh: Uint8Array.of(0x05, 4, 0, 1, 0, 2), body: binary(133) }]);
    expect(lengths(splitIntoParts(binary(134), { reference: 9, ports: { destination: 1, source: 2 } }))).toEqual([128, 6]);
  });

  it('goes up to 255 parts and refuses more, naming the counts', () => {
    expect(splitIntoParts(text(153 * MAX_SMS_PARTS), { reference: 1 })).toHaveLength(MAX_SMS_PARTS);
    expect(() => splitIntoParts(text(153 * MAX_SMS_PARTS + 1), { reference: 1 })).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.TooManyParts, message: expect.stringContaining('needs 256 parts of 153') }),
    );
    expect(() => splitIntoParts(binary(135 * 3), { reference: 1, maxParts: 3 })).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.TooManyParts, message: expect.stringContaining('more than 3') }),
    );
  });

  it('refuses a reference or port its element cannot hold', () => {
    for (const options of [
      { reference: 256 },
      { reference: -1 },
      { reference: 1.5 },
      { reference: 65_536, referenceBits: 16 as const },
      { reference: 1, ports: { destination: 65_536, source: 0 } },
    ]) {
      expect(() => splitIntoParts(text(10), options)).toThrow(expect.objectContaining({ code: SmsCodecErrorCode.InvalidHeaderValue }));
    }
  });

  it('refuses text outside the GSM basic alphabet, whose characters would not be one septet each', () => {
    for (const character of ['€', '[', 'á', '😀']) {
      expect(() => splitIntoParts({ coding: 'gsm7', text: `ab${character}` }, { reference: 1 })).toThrow(
        expect.objectContaining({ code: SmsCodecErrorCode.NotGsmBasic, message: expect.stringContaining('at 2') }),
      );
    }
  });
});
