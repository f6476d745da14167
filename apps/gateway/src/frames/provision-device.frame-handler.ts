import { isProvisioningAddress } from '@coming/identity';
import { MAX_PROVISIONING_CIPHERTEXT_BYTES } from '@coming/proto';
import { assertUnreachable } from '@coming/errors';
import { Injectable } from '@nestjs/common';
import { ProvisioningRepository } from '../provisioning/provisioning.repository';
import { FrameError, FrameErrorCode } from './frame.errors';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

/**
 * Relays a primary's encrypted provisioning message to the new device waiting at the
 * address of its link code, on whichever gateway holds it; answered once that device has it.
 */
@Injectable()
export class ProvisionDeviceFrameHandler implements FrameHandler<'provisionDevice'> {
  constructor(private readonly provisioning: ProvisioningRepository) {}

  async handle(_connection: unknown, { address, ciphertext }: FrameRequest<'provisionDevice'>): Promise<FrameAnswer> {
    if (!isProvisioningAddress(address)) {
      throw new FrameError(FrameErrorCode.InvalidArgument, 'provision_device.address must be the 22 base64url characters of a link code');
    }
    if (ciphertext.length === 0 || ciphertext.length > MAX_PROVISIONING_CIPHERTEXT_BYTES) {
      throw new FrameError(
        FrameErrorCode.InvalidArgument,
        `provision_device.ciphertext must be 1 to ${MAX_PROVISIONING_CIPHERTEXT_BYTES} bytes, got ${ciphertext.length}`,
      );
    }
    const outcome = await this.provisioning.relay(address, ciphertext);
    switch (outcome) {
      case 'accepted':
        return { provisionDevice: {} };
      case 'used':
        throw new FrameError(FrameErrorCode.UnknownProvisioningAddress, 'this provisioning address was just used: show a new link code');
      case 'unknown':
        throw new FrameError(
          FrameErrorCode.UnknownProvisioningAddress,
          'no new device is waiting at this provisioning address: it expired, was used, or never existed; show a new link code',
        );
      default:
        return assertUnreachable(outcome);
    }
  }
}
