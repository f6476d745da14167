import { describe, expect, it } from 'vitest';
import { SmsCarrierErrorCode } from '../sms-carrier.errors';
import { octetsFromHex } from './pdu-reader';
import { decodeSmsDeliver, encodeSmsDeliver } from './sms-deliver-pdu';

// An SMSC address (+447785016005), a time stamp (26-02-12 12:45:04, zone 0): fields the reader skips.
const SMSC = '07914477581006' + '50';
const STAMP = '62202121544000';
const deliver = (firstOctet: string, sender: string, dataCoding: string, userData: string) =>
  octetsFromHex(SMSC + firstOctet + sender + '00' + dataCoding + STAMP + userData);
const INTERNATIONAL = '0A919421436587';
function malformed(message: string): Error {
  const matcher: Error = expect.objectContaining({ code: SmsCarrierErrorCode.MalformedInput, message: expect.stringContaining(message) });
  return matcher;
}

describe(decodeSmsDeliver.name, () => {
  it('reads "hello" from an international sender (TS 23.040 §9.2.2.1)', () => {
    expect(decodeSmsDeliver(deliver('04', INTERNATIONAL, '00', '05E8329BFD06'))).toEqual({
      from: '+4912345678',
      kind: 'part',
      part: { body: { coding: 'gsm7', text: 'hello' } },
    });
  });

  it('reads an alphanumeric sender: 11 semi-octets, type D0, "Coming" packed in septets', () => {
    expect(decodeSmsDeliver(deliver('04', '0BD0C3773BED3E03', '00', '02E834'))).toMatchObject({
      from: 'Coming',
      part: { body: { text: 'hi' } },
    });
  });

  it('turns control characters in an alphanumeric sender into spaces', () => {
    // "A\nB": septets 41 0A 42, packed 41 85 10 (21 bits; 6 semi-octets).
    expect(decodeSmsDeliver(deliver('04', '06D0418510', '00', '00'))).toMatchObject({ from: 'A B' });
  });

  it('keeps a national number as its digits, without a plus', () => {
    expect(decodeSmsDeliver(deliver('04', '0481' + '1032', '00', '00'))).toMatchObject({ from: '0123', part: { body: { text: '' } } });
  });

  it('skips the header and its fill bit before 7-bit text', () => {
    expect(decodeSmsDeliver(deliver('44', INTERNATIONAL, '00', '09' + '0500032A0201' + 'D069'))).toMatchObject({
      part: { udh: Uint8Array.of(0x00, 0x03, 0x2a, 0x02, 0x01), body: { coding: 'gsm7', text: 'hi' } },
    });
  });

  it('reads 8-bit data after its header, in the class 1 data coding group too', () => {
    const expected = { udh: Uint8Array.of(0x00, 0x03, 0x2a, 0x02, 0x01), body: { coding: 'binary', bytes: Uint8Array.of(0xc0, 0x4d) } };
    expect(decodeSmsDeliver(deliver('44', INTERNATIONAL, '04', '08' + '0500032A0201' + 'C04D'))).toMatchObject({ part: expected });
    expect(decodeSmsDeliver(deliver('44', INTERNATIONAL, 'F5', '08' + '0500032A0201' + 'C04D'))).toMatchObject({ part: expected });
  });

  it('turns UCS2 text within the GSM alphabet into a text part and discards other UCS2 text with the reason', () => {
    expect(decodeSmsDeliver(deliver('04', INTERNATIONAL, '08', '04' + '00480069'))).toMatchObject({
      part: { body: { coding: 'gsm7', text: 'Hi' } },
    });
    expect(decodeSmsDeliver(deliver('04', INTERNATIONAL, '08', '02' + '0416'))).toEqual({
      from: '+4912345678',
      kind: 'discarded',
      reason: expect.stringContaining('"Ж" at 0'),
    });
  });

  it('discards compressed user data', () => {
    expect(decodeSmsDeliver(deliver('04', INTERNATIONAL, '20', '02' + 'FFFF'))).toMatchObject({
      kind: 'discarded',
      reason: expect.stringContaining('compressed'),
    });
  });

  it('refuses hostile lengths, naming the field', () => {
    expect(() => decodeSmsDeliver(deliver('04', INTERNATIONAL, '00', 'A1' + '00'.repeat(141)))).toThrow(malformed('161 exceeds the 160'));
    expect(() => decodeSmsDeliver(deliver('04', INTERNATIONAL, '04', '8D' + '00'.repeat(140)))).toThrow(malformed('141 exceeds the 140'));
    expect(() => decodeSmsDeliver(deliver('44', INTERNATIONAL, '04', '05' + '0800000000'))).toThrow(
      malformed('header of 9 octets is longer'),
    );
    expect(() => decodeSmsDeliver(deliver('04', INTERNATIONAL, '00', '0AE8329BFD06'))).toThrow(malformed('10 septets'));
    expect(() => decodeSmsDeliver(deliver('04', INTERNATIONAL, '04', '05C04D'))).toThrow(malformed('5 octets, only 2'));
    expect(() => decodeSmsDeliver(octetsFromHex(SMSC + '04' + '15919421'))).toThrow(malformed('21 semi-octets'));
    expect(() => decodeSmsDeliver(octetsFromHex(SMSC + '04' + INTERNATIONAL + '0000'))).toThrow(
      malformed('inside its service centre time stamp'),
    );
    expect(() => decodeSmsDeliver(octetsFromHex('FF00'))).toThrow(malformed('inside its SMSC address'));
  });
});

describe(encodeSmsDeliver.name, () => {
  it('round-trips numbers and alphanumeric senders with every part kind', () => {
    const parts = [
      { body: { coding: 'gsm7', text: 'a{b}€' } },
      { udh: Uint8Array.of(0x08, 0x04, 0x12, 0x34, 0x02, 0x01), body: { coding: 'gsm7', text: 'x'.repeat(152) } },
      { udh: Uint8Array.of(0x00, 0x03, 0x2a, 0x02, 0x01), body: { coding: 'binary', bytes: new Uint8Array(134).fill(0xa5) } },
    ] as const;
    for (const from of ['+4912345678', '+1', '0123', 'Coming', 'ABCDEFGHIJK']) {
      for (const part of parts) {
        expect(decodeSmsDeliver(encodeSmsDeliver(from, part, new Date(0)))).toEqual({ from, kind: 'part', part });
      }
    }
  });

  it('stamps the time as swapped semi-octets', () => {
    const pdu = encodeSmsDeliver('+1', { body: { coding: 'gsm7', text: '' } }, new Date(Date.UTC(2026, 1, 12, 12, 45, 4)));
    expect(Buffer.from(pdu).toString('hex').toUpperCase()).toContain(STAMP);
  });
});
