import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';

const WIRE_TYPE_VARINT = 0;
const WIRE_TYPE_FIXED64 = 1;
const WIRE_TYPE_LENGTH_DELIMITED = 2;
const WIRE_TYPE_FIXED32 = 5;
const MAX_UINT32 = 0xffff_ffff;

interface ProtobufField {
  wireType: number;
  value: number | Uint8Array;
}

/**
 * Parses a proto2 message into its fields. Unknown fields are skipped, as proto2 requires;
 * for a repeated scalar the last value wins.
 */
export class ProtobufReader {
  private readonly fields = new Map<number, ProtobufField[]>();

  constructor(
    bytes: Uint8Array,
    private readonly errorCode: SignalProtocolErrorCode = SignalProtocolErrorCode.InvalidMessage,
  ) {
    let offset = 0;
    const readVarint = (): number => {
      let value = 0;
      for (let multiplier = 1; ; multiplier *= 0x80) {
        if (offset >= bytes.length) throw this.error('truncated varint');
        const byte = bytes[offset++]!;
        value += (byte & 0x7f) * multiplier;
        if (!Number.isSafeInteger(value)) throw this.error('varint too large');
        if ((byte & 0x80) === 0) return value;
      }
    };
    const take = (length: number): Uint8Array => {
      if (offset + length > bytes.length) throw this.error('truncated field');
      const value = bytes.subarray(offset, offset + length);
      offset += length;
      return value;
    };
    while (offset < bytes.length) {
      const tag = readVarint();
      const fieldNumber = Math.floor(tag / 8);
      const wireType = tag % 8;
      if (fieldNumber === 0) throw this.error('field number 0');
      let value: number | Uint8Array;
      switch (wireType) {
        case WIRE_TYPE_VARINT:
          value = readVarint();
          break;
        case WIRE_TYPE_LENGTH_DELIMITED:
          value = take(readVarint());
          break;
        case WIRE_TYPE_FIXED64:
          value = take(8);
          break;
        case WIRE_TYPE_FIXED32:
          value = take(4);
          break;
        default:
          throw this.error(`unsupported wire type ${wireType} for field ${fieldNumber}`);
      }
      const existing = this.fields.get(fieldNumber);
      if (existing) existing.push({ wireType, value });
      else this.fields.set(fieldNumber, [{ wireType, value }]);
    }
  }

  optionalBytes(fieldNumber: number): Uint8Array | undefined {
    const value = this.last(fieldNumber, WIRE_TYPE_LENGTH_DELIMITED);
    return value === undefined ? undefined : (value as Uint8Array);
  }

  requiredBytes(fieldNumber: number, name: string): Uint8Array {
    const value = this.optionalBytes(fieldNumber);
    if (value === undefined) throw this.error(`missing ${name}`);
    return value;
  }

  repeatedBytes(fieldNumber: number): Uint8Array[] {
    return (this.fields.get(fieldNumber) ?? []).map((field) => this.expect(field, fieldNumber, WIRE_TYPE_LENGTH_DELIMITED) as Uint8Array);
  }

  optionalUint32(fieldNumber: number): number | undefined {
    const value = this.last(fieldNumber, WIRE_TYPE_VARINT);
    if (value === undefined) return undefined;
    if ((value as number) > MAX_UINT32) throw this.error(`field ${fieldNumber} exceeds 32 bits`);
    return value as number;
  }

  requiredUint32(fieldNumber: number, name: string): number {
    const value = this.optionalUint32(fieldNumber);
    if (value === undefined) throw this.error(`missing ${name}`);
    return value;
  }

  /** Up to 2^53 - 1; larger values are rejected rather than rounded. */
  optionalUint64(fieldNumber: number): number | undefined {
    return this.last(fieldNumber, WIRE_TYPE_VARINT) as number | undefined;
  }

  requiredUint64(fieldNumber: number, name: string): number {
    const value = this.optionalUint64(fieldNumber);
    if (value === undefined) throw this.error(`missing ${name}`);
    return value;
  }

  private last(fieldNumber: number, wireType: number): number | Uint8Array | undefined {
    const fields = this.fields.get(fieldNumber);
    const field = fields?.[fields.length - 1];
    return field && this.expect(field, fieldNumber, wireType);
  }

  private expect(field: ProtobufField, fieldNumber: number, wireType: number): number | Uint8Array {
    if (field.wireType !== wireType) throw this.error(`field ${fieldNumber} has wire type ${field.wireType}, expected ${wireType}`);
    return field.value;
  }

  private error(reason: string): SignalProtocolError {
    return new SignalProtocolError(this.errorCode, `malformed protobuf: ${reason}`);
  }
}
