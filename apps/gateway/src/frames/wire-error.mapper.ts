import { assertUnreachable } from '@coming/errors';
import { GrpcCallError, GrpcStatus } from '@coming/grpc';
import type { Logger } from '@coming/logging';
import { wire } from '@coming/proto';
import { trace } from '@opentelemetry/api';
import { wireError } from '../connections/frame-codec';
import { KeysError, KeysErrorCode } from '../keys/keys.errors';
import { SendMessageError, SendMessageErrorCode } from '../messages/messages.errors';
import { FrameError, FrameErrorCode } from './frame.errors';

/**
 * The one translation of a failed frame into the wire's Error. Only a backend that could not
 * be reached or did not answer in time becomes the retryable UNAVAILABLE; a backend's answer
 * keeps its meaning; anything unexpected is logged and becomes INTERNAL, saying nothing more.
 */
export function toWireError(error: unknown, logger: Logger): wire.Error {
  if (error instanceof SendMessageError) return wireError(sendMessageErrorCode(error.code), error.message, error.details);
  if (error instanceof FrameError) return wireError(frameErrorCode(error.code), error.message);
  if (error instanceof KeysError) {
    return wireError(
      keysErrorCode(error.code),
      error.message,
      error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs },
    );
  }
  if (error instanceof GrpcCallError) {
    const code = grpcErrorCode(error.code);
    if (code === wire.ErrorCode.ERROR_CODE_UNAVAILABLE) return wireError(code, 'a backend is unavailable; retry with the same request');
    if (code !== wire.ErrorCode.ERROR_CODE_INTERNAL) return wireError(code, error.message);
  }
  return internal(error, logger);
}

function internal(error: unknown, logger: Logger): wire.Error {
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  logger.error({ err: error, traceId }, 'unexpected error serving a frame');
  return wireError(wire.ErrorCode.ERROR_CODE_INTERNAL, 'internal error');
}

function sendMessageErrorCode(code: SendMessageErrorCode): wire.ErrorCode {
  switch (code) {
    case SendMessageErrorCode.InvalidArgument:
      return wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    case SendMessageErrorCode.RateLimited:
      return wire.ErrorCode.ERROR_CODE_RATE_LIMITED;
    case SendMessageErrorCode.UnknownAccount:
      return wire.ErrorCode.ERROR_CODE_UNKNOWN_ACCOUNT;
    case SendMessageErrorCode.DeviceMismatch:
      return wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH;
    default:
      return assertUnreachable(code);
  }
}

function frameErrorCode(code: FrameErrorCode): wire.ErrorCode {
  switch (code) {
    case FrameErrorCode.InvalidArgument:
      return wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    case FrameErrorCode.UnknownFrameType:
      return wire.ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE;
    case FrameErrorCode.ShuttingDown:
      return wire.ErrorCode.ERROR_CODE_UNAVAILABLE;
    case FrameErrorCode.BadSignature:
      return wire.ErrorCode.ERROR_CODE_BAD_SIGNATURE;
    case FrameErrorCode.UnknownDevice:
      return wire.ErrorCode.ERROR_CODE_UNKNOWN_DEVICE;
    case FrameErrorCode.UnknownProvisioningAddress:
      return wire.ErrorCode.ERROR_CODE_UNKNOWN_PROVISIONING_ADDRESS;
    case FrameErrorCode.Forbidden:
      return wire.ErrorCode.ERROR_CODE_FORBIDDEN;
    default:
      return assertUnreachable(code);
  }
}

function keysErrorCode(code: KeysErrorCode): wire.ErrorCode {
  switch (code) {
    case KeysErrorCode.BadSignature:
      return wire.ErrorCode.ERROR_CODE_BAD_SIGNATURE;
    case KeysErrorCode.NoIdentityKey:
      return wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    case KeysErrorCode.RateLimited:
      return wire.ErrorCode.ERROR_CODE_RATE_LIMITED;
    case KeysErrorCode.UnknownAccount:
      return wire.ErrorCode.ERROR_CODE_UNKNOWN_ACCOUNT;
    default:
      return assertUnreachable(code);
  }
}

/** Backends name what was wrong in the messages of their answers; those pass through to the client. */
function grpcErrorCode(code: GrpcStatus): wire.ErrorCode {
  switch (code) {
    // Not an answer: the call may succeed if simply tried again. The gateway cancels calls
    // only through its deadline (DEADLINE_EXCEEDED), so a CANCELLED comes from the callee or
    // the connection going away mid-call (grpc-js reports some connection drops so).
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.CANCELLED:
      return wire.ErrorCode.ERROR_CODE_UNAVAILABLE;
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.OUT_OF_RANGE:
      return wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    case GrpcStatus.PERMISSION_DENIED:
      return wire.ErrorCode.ERROR_CODE_BAD_SIGNATURE;
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return wire.ErrorCode.ERROR_CODE_RATE_LIMITED;
    // Faults of ours (a bug, a misconfigured service token, a call the backend does not
    // know): retrying will not help, and their text is not for clients.
    case GrpcStatus.OK:
    case GrpcStatus.UNKNOWN:
    case GrpcStatus.NOT_FOUND:
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.ABORTED:
    case GrpcStatus.UNIMPLEMENTED:
    case GrpcStatus.INTERNAL:
    case GrpcStatus.DATA_LOSS:
    case GrpcStatus.UNAUTHENTICATED:
      return wire.ErrorCode.ERROR_CODE_INTERNAL;
    default:
      return assertUnreachable(code);
  }
}
