import type { AccessClaims } from '@coming/access-token';
import { assertUnreachable } from '@coming/errors';
import { InjectLogger, type Logger } from '@coming/logging';
import { keys } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { AuthRepository } from '../login/auth.repository';
import { KeysError, KeysErrorCode } from './keys.errors';
import { KeysRepository } from './keys.repository';

/**
 * The device's key frames, answered by the keys service. The device's identity comes from
 * its access token, never from the frame, so nobody uploads keys for someone else.
 */
@Injectable()
export class KeyDirectoryService {
  constructor(
    private readonly keys: KeysRepository,
    private readonly auth: AuthRepository,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async upload({ accountId, deviceId }: AccessClaims, request: Omit<keys.UploadKeysRequest, 'accountId' | 'deviceId'>) {
    const response = await this.keys.upload({ ...request, accountId, deviceId });
    if (response.rejected !== undefined) throw new KeysError(errorCodeOf(response.rejected.reason), response.rejected.message);
    // Once its keys are out the device can be messaged, so it joins its account's recipients.
    // The keys are stored either way; a failed mark is retried by the device's next upload.
    await this.auth
      .markDeviceReady(accountId, deviceId)
      .catch((error: unknown) => this.logger.warn({ err: error, accountId, deviceId }, 'device not marked ready'));
    return response.count;
  }

  async count({ accountId, deviceId }: AccessClaims) {
    return (await this.keys.count({ accountId, deviceId })).count;
  }

  async bundles({ accountId, deviceId }: AccessClaims, clientIp: string, target: string): Promise<keys.Bundles> {
    const response = await this.keys.bundles({ requesterAccountId: accountId, requesterDeviceId: deviceId, clientIp, accountId: target });
    if (response.rateLimited !== undefined) {
      const { retryAfterMs } = response.rateLimited;
      throw new KeysError(KeysErrorCode.RateLimited, `too many prekey fetches; retry in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
    }
    if (response.bundles === undefined) throw new KeysError(KeysErrorCode.UnknownAccount, `account ${target} has published no keys`);
    return response.bundles;
  }
}

function errorCodeOf(reason: keys.UploadRejection): KeysErrorCode {
  switch (reason) {
    case keys.UploadRejection.UPLOAD_REJECTION_BAD_SIGNATURE:
      return KeysErrorCode.BadSignature;
    case keys.UploadRejection.UPLOAD_REJECTION_NO_IDENTITY_KEY:
      return KeysErrorCode.NoIdentityKey;
    case keys.UploadRejection.UPLOAD_REJECTION_UNSPECIFIED:
      // Still a refusal, whatever its reason; the message names it.
      return KeysErrorCode.BadSignature;
    default:
      return assertUnreachable(reason);
  }
}
