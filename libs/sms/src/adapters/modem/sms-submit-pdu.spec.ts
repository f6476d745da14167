import { describe, expect, it } from 'vitest';
import { randomBytes, seededRandom } from '../../../test/support/seeded-random';
import { GSM_BASIC_ALPHABET } from '../../codec/gsm-alphabet';
import { partCapacity } from '../../codec/split-into-parts';
import type { SmsPart } from '../../sms-part';
import { SmsCarrierErrorCode } from '../sms-carrier.errors';
import { hexFromOctets, octetsFromHex } from './pdu-reader';
import { decodeSmsSubmit, encodeSmsSubmit } from './sms-submit-pdu';

const TEXT = [...GSM_BASIC_ALPHABET].filter((character) => character !== '\u001b').join('');

function randomPart(random: () => number, headerOctets: number, coding: 'gsm7' | 'binary'): SmsPart {
  const udh = headerOctets > 0 ? randomBytes(random, headerOctets - 1) : undefined;
  const length = partCapacity(coding, headerOctets);
  const body =
    coding === 'gsm7'
      ? { coding, text: Array.from({ length }, () => TEXT[Math.floor(random() * TEXT.length)]).join('') }
      : { coding, bytes: randomBytes(random, length) };
  return udh ? { udh, body } : { body };
}

describe(encodeSmsSubmit.name, () => {
  it('writes "hello" to +4912345678 as TS 23.040 §9.2.2.2 lays a SUBMIT out', () => {
    // 00 no SMSC address; 11 SUBMIT, relative validity; 00 reference; 0A 91 ten digits, international,
    // swapped 49 12 34 56 78; 00 protocol; 00 GSM 7-bit; A7 one day; 05 septets; "hello".
    const pdu = encodeSmsSubmit('+4912345678', { body: { coding: 'gsm7', text: 'hello' } });
    expect(hexFromOctets(pdu.octets)).toBe('0011000A9194214365870000A705E8329BFD06');
    expect(pdu.tpduLength).toBe(18);
  });

  it('ends an odd count of digits with the F filler', () => {
    const pdu = encodeSmsSubmit('+491234567', { body: { coding: 'binary', bytes: Uint8Array.of(0xc0) } });
    expect(hexFromOctets(pdu.octets)).toBe('001100099194214365F70004A701C0');
  });

  it('sets TP-UDHI and counts header, fill bit and text in septets for 7-bit text with a concatenation header', () => {
    // Header 05 00 03 2A 02 01: 48 bits, one fill bit, 7 septets; "hi" 2 more: 09.
    const pdu = encodeSmsSubmit('+4912345678', { udh: Uint8Array.of(0x00, 0x03, 0x2a, 0x02, 0x01), body: { coding: 'gsm7', text: 'hi' } });
    expect(hexFromOctets(pdu.octets)).toBe('0051000A9194214365870000A709050003' + '2A0201D069');
  });

  it('needs no fill bits after a 7-octet header', () => {
    const pdu = encodeSmsSubmit('+4912345678', {
      udh: Uint8Array.of(0x08, 0x04, 0x12, 0x34, 0x02, 0x01),
      body: { coding: 'gsm7', text: 'hi' },
    });
    expect(hexFromOctets(pdu.octets).slice(-20)).toBe('0A0608041234' + '0201E834');
  });

  it('counts octets, header included, for 8-bit data', () => {
    const pdu = encodeSmsSubmit('+4912345678', {
      udh: Uint8Array.of(0x00, 0x03, 0x2a, 0x02, 0x01),
      body: { coding: 'binary', bytes: Uint8Array.of(0xc0, 0x4d) },
    });
    expect(hexFromOctets(pdu.octets)).toBe('0051000A9194214365870004A708050003' + '2A0201C04D');
  });

  it('refuses a part one SMS cannot hold, naming its size', () => {
    const udh = Uint8Array.of(0x00, 0x03, 0x01, 0x02, 0x01);
    expect(() => encodeSmsSubmit('+4912345678', { udh, body: { coding: 'gsm7', text: 'a'.repeat(154) } })).toThrow(
      expect.objectContaining({ code: SmsCarrierErrorCode.InvalidPart, message: expect.stringContaining('154 septets exceeds the 153') }),
    );
    // Extension characters take two septets each.
    expect(() => encodeSmsSubmit('+4912345678', { body: { coding: 'gsm7', text: '€'.repeat(81) } })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('162 septets exceeds the 160') }),
    );
    expect(() => encodeSmsSubmit('+4912345678', { body: { coding: 'binary', bytes: new Uint8Array(141) } })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('141 octets exceeds the 140') }),
    );
  });
});

describe(decodeSmsSubmit.name, () => {
  it('round-trips full parts with headers of every length from none to 40 octets, both codings', () => {
    const random = seededRandom(23);
    for (let headerOctets = 0; headerOctets <= 40; headerOctets = headerOctets === 0 ? 2 : headerOctets + 1) {
      for (const coding of ['gsm7', 'binary'] as const) {
        const part = randomPart(random, headerOctets, coding);
        const pdu = encodeSmsSubmit('+4412345', part);
        expect(pdu.octets).toHaveLength(pdu.tpduLength + 1);
        expect(decodeSmsSubmit(pdu.octets)).toEqual({ to: '+4412345', kind: 'part', part });
      }
    }
  });

  it('refuses a DELIVER where a SUBMIT belongs', () => {
    expect(() => decodeSmsSubmit(octetsFromHex('00040A91942143658700000000000000000000'))).toThrow(
      expect.objectContaining({ code: SmsCarrierErrorCode.MalformedInput, message: 'message type 0 is not SMS-SUBMIT (1)' }),
    );
  });
});
