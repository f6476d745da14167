import { DomainError } from '@coming/errors';

/** Failures of frames other than sends and key requests, which have their own (SendMessageError, KeysError). */
export enum FrameErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  /** A ClientFrame with no request this server knows: a newer client, or garbage. */
  UnknownFrameType = 'UNKNOWN_FRAME_TYPE',
  /** The gateway is stopping and takes no new sends; the client resends elsewhere. */
  ShuttingDown = 'SHUTTING_DOWN',
  /** A signed request's signature does not verify. */
  BadSignature = 'BAD_SIGNATURE',
  /** The account has no device with the ID asked for. */
  UnknownDevice = 'UNKNOWN_DEVICE',
  /** No new device is waiting at the provisioning address: wrong, expired or used. */
  UnknownProvisioningAddress = 'UNKNOWN_PROVISIONING_ADDRESS',
  /** The request touches another account's data: addresses another account watches. */
  Forbidden = 'FORBIDDEN',
}

export class FrameError extends DomainError<FrameErrorCode> {
  override readonly name = 'FrameError';
}
