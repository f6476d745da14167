import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { AuthRepository } from '../login/auth.repository';
import { FrameError, FrameErrorCode } from './frame.errors';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

/**
 * Removes a device of the asking device's account; auth checks the account key's
 * signature, so a device without the account key (a linked one) cannot remove anyone.
 */
@Injectable()
export class RemoveDeviceFrameHandler implements FrameHandler<'removeDevice'> {
  constructor(private readonly auth: AuthRepository) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'removeDevice'>): Promise<FrameAnswer> {
    const outcome = await this.auth.removeDevice({ accountId: device.accountId, ...request });
    if (outcome.removed !== undefined) return { removeDevice: {} };
    if (outcome.badSignature !== undefined) {
      throw new FrameError(
        FrameErrorCode.BadSignature,
        `remove_device.signature is not the account key's over removing device ${request.deviceId} at ${request.timestampMs}`,
      );
    }
    if (outcome.deviceNotFound !== undefined) {
      throw new FrameError(FrameErrorCode.UnknownDevice, `this account has no device ${request.deviceId}`);
    }
    throw new FrameError(
      FrameErrorCode.InvalidArgument,
      outcome.removalRejected?.reason ?? 'auth gave a result this gateway does not know',
    );
  }
}
