import { wire } from '@coming/proto';
import type { RawData } from 'ws';

export type DecodedFrame = { ok: true; frame: wire.ClientFrame } | { ok: false; error: wire.Error };

/** Reads one client frame, or says exactly why it cannot. */
export function decodeClientFrame(data: RawData, isBinary: boolean, maxBytes: number): DecodedFrame {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (!isBinary)
    return failure(wire.ErrorCode.ERROR_CODE_MALFORMED_FRAME, 'text frames are not accepted: send a binary ClientFrame protobuf');
  if (bytes.length > maxBytes) {
    return failure(wire.ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, `frame is ${bytes.length} bytes; the limit is ${maxBytes}`);
  }
  let frame: wire.ClientFrame;
  try {
    frame = wire.ClientFrame.decode(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failure(wire.ErrorCode.ERROR_CODE_MALFORMED_FRAME, `frame is not a valid ClientFrame protobuf (${reason})`);
  }
  if (frame.requestId === 0) return failure(wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'request_id must be non-zero');
  return { ok: true, frame };
}

export function encodeServerFrame(frame: wire.ServerFrame): Uint8Array {
  return wire.ServerFrame.encode(frame).finish();
}

export function errorFrame(requestId: number, error: wire.Error): wire.ServerFrame {
  return { response: { requestId, error } };
}

export function wireError(code: wire.ErrorCode, message: string, details: Partial<wire.Error> = {}): wire.Error {
  return { code, message, missingDevices: [], extraDevices: [], retryAfterMs: 0, ...details };
}

function failure(code: wire.ErrorCode, message: string): DecodedFrame {
  return { ok: false, error: wireError(code, message) };
}

/** The frame's kind as its protobuf field is named, e.g. "send_message": low-cardinality, for metrics and spans. */
export function frameTypeOf(frame: wire.ClientFrame | wire.ServerFrame): string {
  const field = Object.entries(frame).find(([key, value]) => key !== 'requestId' && value !== undefined)?.[0];
  return field === undefined ? 'unknown' : field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
