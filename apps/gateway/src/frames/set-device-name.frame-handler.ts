import { MAX_ENCRYPTED_DEVICE_NAME_BYTES } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { AuthRepository } from '../login/auth.repository';
import { FrameError, FrameErrorCode } from './frame.errors';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

/** A device names itself only; the name is sealed by the client and opaque here. */
@Injectable()
export class SetDeviceNameFrameHandler implements FrameHandler<'setDeviceName'> {
  constructor(private readonly auth: AuthRepository) {}

  async handle({ device }: ClientConnection, { encryptedName }: FrameRequest<'setDeviceName'>): Promise<FrameAnswer> {
    if (encryptedName.length === 0 || encryptedName.length > MAX_ENCRYPTED_DEVICE_NAME_BYTES) {
      throw new FrameError(
        FrameErrorCode.InvalidArgument,
        `set_device_name.encrypted_name must be 1 to ${MAX_ENCRYPTED_DEVICE_NAME_BYTES} bytes, got ${encryptedName.length}`,
      );
    }
    await this.auth.setDeviceName(device.accountId, device.deviceId, encryptedName);
    return { setDeviceName: {} };
  }
}
