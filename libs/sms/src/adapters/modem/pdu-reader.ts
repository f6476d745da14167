import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';

/** Reads a PDU from the network front to back; running out names the field that was cut off. */
export class PduReader {
  private offset = 0;

  constructor(private readonly octets: Uint8Array) {}

  octet(field: string): number {
    return this.take(1, field)[0]!;
  }

  take(count: number, field: string): Uint8Array {
    if (this.offset + count > this.octets.length) {
      throw new SmsCarrierError(
        SmsCarrierErrorCode.MalformedInput,
        `the PDU ends at octet ${this.octets.length}, inside its ${field} (${count} octets from ${this.offset})`,
      );
    }
    const taken = this.octets.subarray(this.offset, this.offset + count);
    this.offset += count;
    return taken;
  }

  /** What is left; the user data runs to the end. */
  rest(): Uint8Array {
    return this.take(this.octets.length - this.offset, 'rest');
  }
}

/** Reads a PDU written as hexadecimal, as modems show them; odd lengths and other characters are malformed. */
export function octetsFromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new SmsCarrierError(SmsCarrierErrorCode.MalformedInput, `${JSON.stringify(hex.slice(0, 40))} is not an even run of hex digits`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function hexFromOctets(octets: Uint8Array): string {
  return Buffer.from(octets).toString('hex').toUpperCase();
}

/** TP-MTI, the low two bits of a TPDU's first octet (3GPP TS 23.040 §9.2.3.1). */
export enum MessageType {
  Deliver = 0,
  Submit = 1,
}

/**
 * Opens a PDU as modems show them: skips the SMSC address field in front of the TPDU and
 * reads the TPDU's first octet, which must be of the expected message type.
 */
export function openTpdu(octets: Uint8Array, expected: MessageType): { reader: PduReader; firstOctet: number } {
  const reader = new PduReader(octets);
  reader.take(reader.octet('SMSC address length'), 'SMSC address');
  const firstOctet = reader.octet('first octet');
  const type = firstOctet & 0x03;
  if (type !== Number(expected)) {
    throw new SmsCarrierError(
      SmsCarrierErrorCode.MalformedInput,
      `message type ${type} is not SMS-${MessageType[expected].toUpperCase()} (${expected})`,
    );
  }
  return { reader, firstOctet };
}
