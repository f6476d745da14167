import { describe, expect, it } from 'vitest';
import { GSM_BASIC_ALPHABET } from '../codec/gsm-alphabet';
import { septetsToText, textToSeptets } from './gsm-septets';
import { SmsCarrierErrorCode } from './sms-carrier.errors';

describe(textToSeptets.name, () => {
  it('gives one septet a basic character and the escape plus one an extension character', () => {
    expect(textToSeptets('@a€[')).toEqual([0x00, 0x61, 0x1b, 0x65, 0x1b, 0x3c]);
  });

  it('refuses a character in neither table, naming it and where', () => {
    expect(() => textToSeptets('ok ж')).toThrow(
      expect.objectContaining({ code: SmsCarrierErrorCode.InvalidPart, message: 'character "ж" at 3 is not in the GSM 7-bit alphabet' }),
    );
  });

  it('refuses the bare escape character, which would swallow the next one', () => {
    expect(() => textToSeptets('\u001b(')).toThrow(expect.objectContaining({ code: SmsCarrierErrorCode.InvalidPart }));
  });
});

describe(septetsToText.name, () => {
  it('round-trips the whole basic alphabet and the extension table', () => {
    const text = [...GSM_BASIC_ALPHABET].filter((character) => character !== '\u001b').join('') + '\f^{}\\[~]|€';
    expect(septetsToText(textToSeptets(text))).toBe(text);
  });

  it('shows the basic character after an escape to an unknown extension, and a space for a dangling escape', () => {
    expect(septetsToText([0x1b, 0x41, 0x1b])).toBe('A ');
  });
});
