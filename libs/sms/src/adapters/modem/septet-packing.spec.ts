import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test/support/seeded-random';
import { textToSeptets } from '../gsm-septets';
import { SmsCarrierErrorCode } from '../sms-carrier.errors';
import { fillBitsAfter, packSeptets, unpackSeptets } from './septet-packing';

const hex = (octets: Uint8Array) => Buffer.from(octets).toString('hex').toUpperCase();

describe(packSeptets.name, () => {
  it('packs "hello" as TS 23.038 §6.1.2.1.1 lays septets out, low bits first', () => {
    // h=0x68 fills octet 0's low 7 bits, e=0x65's low bit its top: 0xE8; then e>>1 = 0x32…
    expect(hex(packSeptets(textToSeptets('hello')))).toBe('E8329BFD06');
  });

  it('packs eight septets into seven octets, with no spare septet', () => {
    expect(packSeptets(textToSeptets('12345678'))).toHaveLength(7);
    expect(unpackSeptets(packSeptets(textToSeptets('12345678')), 8)).toEqual(textToSeptets('12345678'));
  });

  it('leaves seven zero bits after seven septets that the length, not the octets, tells from an @', () => {
    const packed = packSeptets(textToSeptets('1234567'));
    expect(packed).toHaveLength(7);
    expect(packed[6]! >> 1).toBe(0);
    expect(unpackSeptets(packed, 7)).toEqual(textToSeptets('1234567'));
    expect(unpackSeptets(packed, 8)[7]).toBe(0);
  });

  it('starts after the fill bits: "hi" after one fill bit is D0 then 69 on the next octet', () => {
    // After a 6-octet header, h sits at bit 49: octet 0 shifted by 1 (0xD0), its top bit nowhere; i at bit 56.
    expect(hex(packSeptets(textToSeptets('hi'), 1))).toBe('D069');
  });

  it('round-trips random septets after every fill from 0 to 6 bits', () => {
    const random = seededRandom(7);
    for (let fill = 0; fill < 7; fill++) {
      for (let count = 0; count <= 160; count += 1 + fill) {
        const septets = Array.from({ length: count }, () => Math.floor(random() * 128));
        expect(unpackSeptets(packSeptets(septets, fill), count, fill)).toEqual(septets);
      }
    }
  });

  it('refuses to read septets the octets cannot hold, naming the shortfall', () => {
    expect(() => unpackSeptets(Uint8Array.of(0xe8, 0x32), 3)).toThrow(
      expect.objectContaining({ code: SmsCarrierErrorCode.MalformedInput, message: expect.stringContaining('need 3 octets, only 2') }),
    );
  });
});

describe(fillBitsAfter.name, () => {
  it('pads each header length to the next septet boundary', () => {
    // 6 octets = 48 bits → 49 (1 fill bit); 7 = 56 bits, already 8 septets; 1 octet = 8 → 14.
    expect([0, 1, 6, 7, 12, 140].map(fillBitsAfter)).toEqual([0, 6, 1, 0, 2, 0]);
  });
});
