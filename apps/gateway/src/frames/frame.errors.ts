import { DomainError } from '@coming/errors';

/** Failures of frames other than sends, which have their own (SendMessageError). */
export enum FrameErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  /** A ClientFrame with no request this server knows: a newer client, or garbage. */
  UnknownFrameType = 'UNKNOWN_FRAME_TYPE',
  /** The gateway is stopping and takes no new sends; the client resends elsewhere. */
  ShuttingDown = 'SHUTTING_DOWN',
}

export class FrameError extends DomainError<FrameErrorCode> {
  override readonly name = 'FrameError';
}
