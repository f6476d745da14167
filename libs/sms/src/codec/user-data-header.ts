import { SmsCodecError, SmsCodecErrorCode } from './sms-codec.errors';
import { SmsDropReason } from './sms-drop-reason';

// Information element identifiers of 3GPP TS 23.040 §9.2.3.24, with their fixed lengths.
const CONCATENATION_8 = { identifier: 0x00, length: 3 };
const PORTS_8 = { identifier: 0x04, length: 2 };
const PORTS_16 = { identifier: 0x05, length: 4 };
const CONCATENATION_16 = { identifier: 0x08, length: 4 };

/** Where a part sits in its message (§9.2.3.24.1 with an 8-bit reference, §9.2.3.24.8 with a 16-bit one). */
export interface Concatenation {
  readonly reference: number;
  readonly referenceBits: 8 | 16;
  /** How many parts the message has, 1 to 255. */
  readonly total: number;
  /** This part's place, 1 to total. */
  readonly sequence: number;
}

/** Application port addressing (§9.2.3.24.3 and .4): which application on the phone the message is for. */
export interface SmsPorts {
  readonly destination: number;
  readonly source: number;
}

export type UserDataHeader =
  | { readonly valid: true; readonly concatenation?: Concatenation; readonly ports?: SmsPorts }
  | { readonly valid: false; readonly reason: SmsDropReason };

/** The octets of a concatenation element. */
export function concatenationElement({ reference, referenceBits, total, sequence }: Concatenation): Uint8Array {
  checkRange('concatenation reference', reference, 2 ** referenceBits - 1);
  if (referenceBits === 8) return Uint8Array.of(CONCATENATION_8.identifier, CONCATENATION_8.length, reference, total, sequence);
  return Uint8Array.of(CONCATENATION_16.identifier, CONCATENATION_16.length, reference >> 8, reference & 0xff, total, sequence);
}

/** The octets of a 16-bit application port element. */
export function portsElement({ destination, source }: SmsPorts): Uint8Array {
  checkRange('destination port', destination, 0xffff);
  checkRange('source port', source, 0xffff);
  return Uint8Array.of(PORTS_16.identifier, PORTS_16.length, destination >> 8, destination & 0xff, source >> 8, source & 0xff);
}

/**
 * Reads the elements of a user data header (without its length octet) from the network.
 * Elements this reader does not know are skipped, as the specification asks; the ones it
 * knows must have their fixed length and appear once, and a concatenation must make sense.
 */
export function readUserDataHeader(header: Uint8Array): UserDataHeader {
  let concatenation: Concatenation | undefined;
  let ports: SmsPorts | undefined;
  for (let offset = 0; offset < header.length;) {
    const identifier = header[offset]!;
    const length = header[offset + 1];
    const start = offset + 2;
    if (length === undefined || start + length > header.length) return { valid: false, reason: SmsDropReason.HeaderOverrun };
    const data = header.subarray(start, start + length);
    offset = start + length;
    switch (identifier) {
      case CONCATENATION_8.identifier:
      case CONCATENATION_16.identifier: {
        const wide = identifier === CONCATENATION_16.identifier;
        if (length !== (wide ? CONCATENATION_16 : CONCATENATION_8).length) return { valid: false, reason: SmsDropReason.BadElementLength };
        if (concatenation) return { valid: false, reason: SmsDropReason.RepeatedElement };
        const [total, sequence] = data.subarray(length - 2);
        concatenation = {
          reference: wide ? (data[0]! << 8) | data[1]! : data[0]!,
          referenceBits: wide ? 16 : 8,
          total: total!,
          sequence: sequence!,
        };
        break;
      }
      case PORTS_8.identifier:
      case PORTS_16.identifier: {
        const wide = identifier === PORTS_16.identifier;
        if (length !== (wide ? PORTS_16 : PORTS_8).length) return { valid: false, reason: SmsDropReason.BadElementLength };
        if (ports) return { valid: false, reason: SmsDropReason.RepeatedElement };
        ports = wide
          ? { destination: (data[0]! << 8) | data[1]!, source: (data[2]! << 8) | data[3]! }
          : { destination: data[0]!, source: data[1]! };
        break;
      }
    }
  }
  if (concatenation?.total === 0) return { valid: false, reason: SmsDropReason.ZeroParts };
  if (concatenation && (concatenation.sequence === 0 || concatenation.sequence > concatenation.total)) {
    return { valid: false, reason: SmsDropReason.BadSequence };
  }
  return { valid: true, concatenation, ports };
}

function checkRange(name: string, value: number, maximum: number): void {
  if (!Number.isInteger(value) || value < 0 || value > maximum) {
    throw new SmsCodecError(SmsCodecErrorCode.InvalidHeaderValue, `${name} ${value} is not a whole number from 0 to ${maximum}`);
  }
}
