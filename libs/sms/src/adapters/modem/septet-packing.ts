import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';

/**
 * Packs septets into octets, least significant bit first (3GPP TS 23.038 §6.1.2.1.1), after
 * `fillBits` zero bits. The fill bits put the first septet on a septet boundary after a user
 * data header (TS 23.040 §9.2.3.24), so that a phone that ignores headers still reads the text.
 */
export function packSeptets(septets: ArrayLike<number>, fillBits = 0): Uint8Array {
  const octets = new Uint8Array(Math.ceil((fillBits + septets.length * 7) / 8));
  for (let index = 0; index < septets.length; index++) {
    const septet = septets[index]! & 0x7f;
    const bit = fillBits + index * 7;
    const octet = bit >> 3;
    const shift = bit & 7;
    octets[octet]! |= (septet << shift) & 0xff;
    // A septet starting past bit 1 of its octet spills into the next one.
    if (shift > 1) octets[octet + 1]! |= septet >> (8 - shift);
  }
  return octets;
}

/** Reads `count` septets packed after `fillBits` bits; octets too few for them are malformed input. */
export function unpackSeptets(octets: Uint8Array, count: number, fillBits = 0): number[] {
  const needed = Math.ceil((fillBits + count * 7) / 8);
  if (needed > octets.length) {
    throw new SmsCarrierError(
      SmsCarrierErrorCode.MalformedInput,
      `${count} septets after ${fillBits} fill bits need ${needed} octets, only ${octets.length} present`,
    );
  }
  const septets = new Array<number>(count);
  for (let index = 0; index < count; index++) {
    const bit = fillBits + index * 7;
    const octet = bit >> 3;
    const shift = bit & 7;
    const wide = octets[octet]! | ((octets[octet + 1] ?? 0) << 8);
    septets[index] = (wide >> shift) & 0x7f;
  }
  return septets;
}

/** The bits that pad a user data header of `headerOctets` octets (its length octet included) to a septet boundary. */
export function fillBitsAfter(headerOctets: number): number {
  return (7 - ((headerOctets * 8) % 7)) % 7;
}
