import { DomainError } from '@coming/errors';

/** Only client mistakes are errors; refusals a caller should expect are outcomes in the response. */
export enum DevicesErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  DeviceNotFound = 'DEVICE_NOT_FOUND',
}

export class DevicesError extends DomainError<DevicesErrorCode> {
  override readonly name = 'DevicesError';
}
