import { textToSeptets, septetsToText } from '../gsm-septets';
import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import type { PduReader } from './pdu-reader';
import { packSeptets, unpackSeptets } from './septet-packing';

// Type-of-address octets of 3GPP TS 23.040 §9.1.2.5: ISDN numbering with an international,
// unknown or alphanumeric type of number.
const INTERNATIONAL = 0x91;
const UNKNOWN = 0x81;
const ALPHANUMERIC = 0xd0;
const TYPE_OF_NUMBER_MASK = 0x70;

/** An address holds at most 20 semi-octets (§9.1.2.5: 12 octets with its length and type). */
const MAX_SEMI_OCTETS = 20;
const DIGITS = '0123456789*#abc';

/**
 * An address field: `+` and digits go as an international number, bare digits as one of
 * unknown type, anything else as an alphanumeric sender (at most 11 GSM characters).
 */
export function encodeAddress(address: string): Uint8Array {
  const international = /^\+[0-9]{1,20}$/.test(address);
  if (international || /^[0-9]{1,20}$/.test(address)) {
    const digits = international ? address.slice(1) : address;
    const swapped = new Uint8Array(Math.ceil(digits.length / 2)).fill(0xff);
    // Semi-octets go low nibble first, and an odd count ends in the filler 0xF.
    for (let index = 0; index < digits.length; index++) {
      const digit = Number(digits[index]);
      const octet = index >> 1;
      swapped[octet] = index % 2 === 0 ? (swapped[octet]! & 0xf0) | digit : (swapped[octet]! & 0x0f) | (digit << 4);
    }
    return Uint8Array.of(digits.length, international ? INTERNATIONAL : UNKNOWN, ...swapped);
  }
  const septets = textToSeptets(address);
  const semiOctets = Math.ceil((septets.length * 7) / 4);
  if (septets.length === 0 || semiOctets > MAX_SEMI_OCTETS) {
    throw new SmsCarrierError(
      SmsCarrierErrorCode.InvalidNumber,
      `address ${JSON.stringify(address)} is empty or longer than 11 GSM characters`,
    );
  }
  return Uint8Array.of(semiOctets, ALPHANUMERIC, ...packSeptets(septets));
}

/**
 * Reads an address field: `+` and digits for an international number, the digits alone for
 * other numeric types, the text of an alphanumeric sender.
 */
export function decodeAddress(reader: PduReader, field: string): string {
  const semiOctets = reader.octet(`${field} length`);
  if (semiOctets > MAX_SEMI_OCTETS) {
    throw new SmsCarrierError(
      SmsCarrierErrorCode.MalformedInput,
      `the ${field} claims ${semiOctets} semi-octets, more than ${MAX_SEMI_OCTETS}`,
    );
  }
  const type = reader.octet(`${field} type`);
  const value = reader.take(Math.ceil(semiOctets / 2), field);
  if ((type & TYPE_OF_NUMBER_MASK) === (ALPHANUMERIC & TYPE_OF_NUMBER_MASK)) {
    // A sender's name is shown and logged: its line breaks and other control characters become spaces.
    return septetsToText(unpackSeptets(value, Math.floor((semiOctets * 4) / 7))).replace(/\p{Cc}/gu, ' ');
  }
  let digits = '';
  for (let index = 0; index < semiOctets; index++) {
    const nibble = index % 2 === 0 ? value[index >> 1]! & 0x0f : value[index >> 1]! >> 4;
    if (nibble >= DIGITS.length) {
      throw new SmsCarrierError(
        SmsCarrierErrorCode.MalformedInput,
        `the ${field} holds the filler semi-octet at digit ${index + 1} of ${semiOctets}`,
      );
    }
    digits += DIGITS[nibble];
  }
  return (type & TYPE_OF_NUMBER_MASK) === (INTERNATIONAL & TYPE_OF_NUMBER_MASK) ? `+${digits}` : digits;
}
