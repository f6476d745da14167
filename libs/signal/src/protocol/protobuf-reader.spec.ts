import { describe, expect, it } from 'vitest';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { ProtobufReader } from './protobuf-reader';
import { ProtobufWriter } from './protobuf-writer';

describe(ProtobufReader.name, () => {
  it('reads back what the writer wrote, including multi-byte varints', () => {
    const encoded = new ProtobufWriter()
      .uint32(1, 0)
      .uint32(2, 300)
      .uint32(3, 0xffff_ffff)
      .bytes(4, Uint8Array.of(1, 2, 3))
      .bytes(4, Uint8Array.of(4))
      .finish();
    const reader = new ProtobufReader(encoded);
    expect(reader.requiredUint32(1, 'a')).toBe(0);
    expect(reader.requiredUint32(2, 'b')).toBe(300);
    expect(reader.requiredUint32(3, 'c')).toBe(0xffff_ffff);
    expect(reader.repeatedBytes(4)).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    expect(reader.optionalBytes(5)).toBeUndefined();
  });

  it('skips unknown fixed32 and fixed64 fields', () => {
    const encoded = Uint8Array.of(0x0d, 1, 2, 3, 4, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x18, 7);
    expect(new ProtobufReader(encoded).requiredUint32(3, 'value')).toBe(7);
  });

  it.each([
    ['a truncated varint', Uint8Array.of(0x08, 0x80)],
    ['a length past the end', Uint8Array.of(0x0a, 0x05, 1)],
    ['a group wire type', Uint8Array.of(0x0b)],
    ['field number zero', Uint8Array.of(0x00, 0x01)],
  ])('rejects %s', (_, encoded) => {
    expect(() => new ProtobufReader(encoded)).toThrow(expect.objectContaining({ code: SignalProtocolErrorCode.InvalidMessage }));
  });

  it('rejects a field read with the wrong wire type', () => {
    const reader = new ProtobufReader(new ProtobufWriter().uint32(1, 5).finish());
    expect(() => reader.optionalBytes(1)).toThrow(/wire type/);
  });
});
