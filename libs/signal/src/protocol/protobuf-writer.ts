const WIRE_TYPE_VARINT = 0;
const WIRE_TYPE_LENGTH_DELIMITED = 2;
const MAX_UINT32 = 0xffff_ffff;

/** The few proto2 encodings the Signal wire format uses: varints and byte strings. */
export class ProtobufWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  uint32(fieldNumber: number, value: number): this {
    if (value > MAX_UINT32) throw new RangeError(`${value} does not fit in a uint32`);
    return this.uint64(fieldNumber, value);
  }

  /** Up to 2^53 - 1, the range a JavaScript number holds exactly (timestamps in milliseconds). */
  uint64(fieldNumber: number, value: number): this {
    this.varint((fieldNumber << 3) | WIRE_TYPE_VARINT);
    return this.varint(value);
  }

  bytes(fieldNumber: number, value: Uint8Array): this {
    this.varint((fieldNumber << 3) | WIRE_TYPE_LENGTH_DELIMITED);
    this.varint(value.length);
    return this.push(value);
  }

  finish(): Uint8Array {
    const output = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      output.set(chunk, offset);
      offset += chunk.length;
    }
    return output;
  }

  private varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as an unsigned varint`);
    const encoded: number[] = [];
    while (value > 0x7f) {
      encoded.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    encoded.push(value);
    return this.push(Uint8Array.from(encoded));
  }

  private push(chunk: Uint8Array): this {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return this;
  }
}
