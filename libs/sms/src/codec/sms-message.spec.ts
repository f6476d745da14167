import { describe, expect, it } from 'vitest';
import { randomBytes, seededRandom } from '../../test/support/seeded-random';
import { SAFE_TEXT_ALPHABET } from './safe-text';
import { SmsCodecErrorCode } from './sms-codec.errors';
import { SMS_BINARY_MAGIC, SMS_TEXT_MARKER, type SmsMessageMode, decodeSmsMessage, encodeSmsMessage } from './sms-message';

const SIZES = [0, 1, 2, 18, 19, 20, 100, 250, 1_000, 1_700, 1_900, 2_047, 3_000];

describe(encodeSmsMessage.name, () => {
  it.each<SmsMessageMode>(['text', 'binary'])('round-trips random bytes of many sizes in %s mode', (mode) => {
    const random = seededRandom(mode === 'text' ? 7 : 8);
    for (const size of SIZES) {
      const bytes = randomBytes(random, size);
      expect(decodeSmsMessage(encodeSmsMessage(bytes, { mode }))).toEqual({ kind: 'coming', bytes });
    }
  });

  it('writes GSM-safe text by default: the marker, a version, then only the safe alphabet', () => {
    const body = encodeSmsMessage(randomBytes(seededRandom(1), 250));
    if (body.coding !== 'gsm7') throw new Error(`expected text, got ${body.coding}`);
    expect(body.text.startsWith(SMS_TEXT_MARKER)).toBe(true);
    expect([...body.text.slice(SMS_TEXT_MARKER.length + 1)].every((character) => SAFE_TEXT_ALPHABET.includes(character))).toBe(true);
  });

  it('writes binary mode as the magic octets, a version octet, then the bytes themselves', () => {
    const body = encodeSmsMessage(Uint8Array.of(9, 8, 7), { mode: 'binary' });
    expect(body).toEqual({ coding: 'binary', bytes: Uint8Array.of(...SMS_BINARY_MAGIC, 1, 9, 8, 7) });
  });
});

describe(decodeSmsMessage.name, () => {
  it.each([
    ['a chat text', 'See you at 8?'],
    ['an empty text', ''],
    ['a percent sign', '%Cash back: 20% off'],
    ['the marker in lower case', SMS_TEXT_MARKER.toLowerCase() + '1abc'],
    ['the marker later on', `re: ${SMS_TEXT_MARKER}1abc`],
  ])('passes %s through as foreign', (_, text) => {
    expect(decodeSmsMessage({ coding: 'gsm7', text })).toEqual({ kind: 'foreign' });
  });

  it.each([
    ['a WAP push', Uint8Array.of(0x01, 0x06, 0x04, 0x03, 0xae, 0x81, 0xea)],
    ['one octet of the magic', SMS_BINARY_MAGIC.subarray(0, 1)],
    ['no octets', new Uint8Array(0)],
  ])('passes %s through as foreign', (_, bytes) => {
    expect(decodeSmsMessage({ coding: 'binary', bytes })).toEqual({ kind: 'foreign' });
  });

  it('refuses a format version it does not know, in either mode', () => {
    expect(() => decodeSmsMessage({ coding: 'gsm7', text: `${SMS_TEXT_MARKER}2abc` })).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.UnsupportedVersion, message: expect.stringContaining('"2"') }),
    );
    expect(() => decodeSmsMessage({ coding: 'binary', bytes: Uint8Array.of(...SMS_BINARY_MAGIC, 9, 1) })).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.UnsupportedVersion }),
    );
  });

  it('refuses a marker with nothing after it', () => {
    expect(() => decodeSmsMessage({ coding: 'gsm7', text: SMS_TEXT_MARKER })).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.InvalidLength }),
    );
    expect(() => decodeSmsMessage({ coding: 'binary', bytes: SMS_BINARY_MAGIC })).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.InvalidLength }),
    );
  });

  it('refuses a text mangled on the way, naming the character', () => {
    const body = encodeSmsMessage(Uint8Array.of(1, 2, 3, 4, 5, 6));
    if (body.coding !== 'gsm7') throw new Error(`expected text, got ${body.coding}`);
    const mangled = body.text.slice(0, -1) + '¡';
    expect(() => decodeSmsMessage({ coding: 'gsm7', text: mangled })).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.InvalidCharacter, message: expect.stringContaining('"¡"') }),
    );
  });
});
