import { DomainError } from '@coming/errors';

export enum SendMessageErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  RateLimited = 'RATE_LIMITED',
  UnknownAccount = 'UNKNOWN_ACCOUNT',
  DeviceMismatch = 'DEVICE_MISMATCH',
}

export interface SendMessageErrorDetails {
  missingDevices?: number[];
  extraDevices?: number[];
  retryAfterMs?: number;
}

export class SendMessageError extends DomainError<SendMessageErrorCode> {
  override readonly name = 'SendMessageError';

  constructor(
    code: SendMessageErrorCode,
    message: string,
    readonly details: SendMessageErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}
