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
