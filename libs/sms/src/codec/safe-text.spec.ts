import { describe, expect, it } from 'vitest';
import { randomBytes, seededRandom } from '../../test/support/seeded-random';
import { GSM_BASIC_ALPHABET } from './gsm-alphabet';
import { SAFE_TEXT_ALPHABET, decodeSafeText, encodeSafeText } from './safe-text';
import { SmsCodecErrorCode } from './sms-codec.errors';

describe(encodeSafeText.name, () => {
  it('writes only characters whose GSM septet equals their ASCII code, leaving out space and &', () => {
    expect(SAFE_TEXT_ALPHABET).toHaveLength(81);
    for (const character of SAFE_TEXT_ALPHABET) {
      expect(GSM_BASIC_ALPHABET.indexOf(character)).toBe(character.charCodeAt(0));
    }
    for (const mangled of ['@', '$', '_', ' ', '&', '\n', '\r', '\u001b', '¤', '§', '¡']) expect(SAFE_TEXT_ALPHABET).not.toContain(mangled);
  });

  it('round-trips random bytes of every length from 0 to 3,000', () => {
    const random = seededRandom(23_040);
    for (let length = 0; length <= 3_000; length += length < 64 ? 1 : 37) {
      const bytes = randomBytes(random, length);
      const text = encodeSafeText(bytes);
      expect([...text].every((character) => SAFE_TEXT_ALPHABET.includes(character))).toBe(true);
      expect(decodeSafeText(text)).toEqual(bytes);
    }
  });

  it('round-trips the extreme values of a group', () => {
    for (const fill of [0x00, 0xff]) {
      for (const length of [1, 18, 19, 20, 38]) {
        const bytes = new Uint8Array(length).fill(fill);
        expect(decodeSafeText(encodeSafeText(bytes))).toEqual(bytes);
      }
    }
  });

  it('puts 19 bytes in 24 characters, denser than base64', () => {
    expect(encodeSafeText(new Uint8Array(19))).toHaveLength(24);
    const bytes = new Uint8Array(1_900);
    expect(encodeSafeText(bytes)).toHaveLength(2_400);
    expect(Buffer.from(bytes).toString('base64').length).toBeGreaterThan(2_500);
  });
});

describe(decodeSafeText.name, () => {
  it('refuses a character outside the alphabet, naming it and its place', () => {
    const text = encodeSafeText(new Uint8Array([1, 2, 3, 4, 5]));
    for (const intruder of ['@', ' ', '&', 'é', '€', '\n']) {
      const damaged = text.slice(0, 3) + intruder + text.slice(4);
      expect(() => decodeSafeText(damaged)).toThrow(
        expect.objectContaining({
          code: SmsCodecErrorCode.InvalidCharacter,
          message: expect.stringContaining(`${JSON.stringify(intruder)} at 3`),
        }),
      );
    }
  });

  it('refuses a text whose last group has a length no bytes encode to', () => {
    const text = encodeSafeText(new Uint8Array(19 + 4));
    expect(() => decodeSafeText(text.slice(0, -1))).toThrow(expect.objectContaining({ code: SmsCodecErrorCode.InvalidLength }));
    expect(() => decodeSafeText('A')).toThrow(expect.objectContaining({ code: SmsCodecErrorCode.InvalidLength }));
  });

  it('refuses a group worth more than its bytes can hold, so that each byte string has one encoding', () => {
    const highest = SAFE_TEXT_ALPHABET.at(-1)!;
    // Two characters stand for one byte, but can count up to 81² - 1.
    expect(() => decodeSafeText(highest.repeat(2))).toThrow(
      expect.objectContaining({ code: SmsCodecErrorCode.InvalidLength, message: expect.stringContaining('at character 0') }),
    );
    expect(() => decodeSafeText(encodeSafeText(new Uint8Array(19)) + highest.repeat(24))).toThrow(
      expect.objectContaining({ message: expect.stringContaining('at character 24') }),
    );
  });
});
