import { isAccountId, verifyIdentityKey } from '@coming/identity';
import { InjectLogger, type Logger } from '@coming/logging';
import { type keys, MAX_DEVICE_ID, XEDDSA_SIGNATURE_BYTES } from '@coming/proto';
import {
  CURVE_KEY_TYPE,
  KYBER_1024_KEY_TYPE,
  KYBER_1024_PUBLIC_KEY_LENGTH,
  SERIALIZED_CURVE_PUBLIC_KEY_LENGTH,
  xeddsaVerify,
} from '@coming/signal';
import { Injectable } from '@nestjs/common';
import { FetchBudgetsService } from '../fetch-budgets/fetch-budgets.service';
import { InjectKeysConfig, type KeysConfig } from '../keys.config';
import { KeysMetrics } from '../keys.metrics';
import { KeyEventsRepository } from './key-events.repository';
import { PreKeysError, PreKeysErrorCode } from './pre-keys.errors';
import { PreKeysRepository } from './pre-keys.repository';

/** Most one-time prekeys of each kind a device may hold on the server. */
export const MAX_ONE_TIME_PRE_KEYS = 100;
const MAX_REGISTRATION_ID = 16_380;
const MAX_KEY_ID = 0xff_ffff;

@Injectable()
export class PreKeysService {
  constructor(
    @InjectKeysConfig() private readonly config: KeysConfig,
    private readonly preKeys: PreKeysRepository,
    private readonly keyEvents: KeyEventsRepository,
    private readonly fetchBudgets: FetchBudgetsService,
    private readonly metrics: KeysMetrics,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async upload(request: keys.UploadKeysRequest): Promise<keys.UploadKeysResponse> {
    const { accountId, deviceId, registrationId } = request;
    checkDevice(accountId, deviceId);
    if (!Number.isInteger(registrationId) || registrationId < 1 || registrationId > MAX_REGISTRATION_ID) {
      throw invalid(`registration_id must be 1 to ${MAX_REGISTRATION_ID}`);
    }
    const identityKey = request.identityKey ?? (await this.preKeys.identityKeyOf(accountId));
    if (identityKey === undefined) {
      throw new PreKeysError(PreKeysErrorCode.NoIdentityKey, 'upload the identity_key first: the account has none');
    }
    checkCurveKey(identityKey.publicKey, 'identity_key.public_key');
    if (!verifyIdentityKey(accountId, identityKey.publicKey, identityKey.accountSignature)) {
      throw new PreKeysError(PreKeysErrorCode.BadSignature, 'identity_key.account_signature does not verify with the account key');
    }
    const verify = (field: string, key: { publicKey: Uint8Array; signature: Uint8Array }) => {
      if (key.signature.length !== XEDDSA_SIGNATURE_BYTES || !xeddsaVerify(identityKey.publicKey, key.publicKey, key.signature)) {
        throw new PreKeysError(PreKeysErrorCode.BadSignature, `${field}.signature does not verify with the identity key`);
      }
    };
    if (request.signedPreKey) {
      checkKeyId(request.signedPreKey.keyId, 'signed_pre_key.key_id');
      checkCurveKey(request.signedPreKey.publicKey, 'signed_pre_key.public_key');
      verify('signed_pre_key', request.signedPreKey);
    }
    if (request.lastResortKyberPreKey) {
      checkKeyId(request.lastResortKyberPreKey.keyId, 'last_resort_kyber_pre_key.key_id');
      checkKyberKey(request.lastResortKyberPreKey.publicKey, 'last_resort_kyber_pre_key.public_key');
      verify('last_resort_kyber_pre_key', request.lastResortKyberPreKey);
    }
    if (request.oneTimePreKeys.length > MAX_ONE_TIME_PRE_KEYS || request.oneTimeKyberPreKeys.length > MAX_ONE_TIME_PRE_KEYS) {
      throw invalid(`at most ${MAX_ONE_TIME_PRE_KEYS} one-time prekeys of each kind per upload`);
    }
    request.oneTimePreKeys.forEach((key, index) => {
      checkKeyId(key.keyId, `one_time_pre_keys[${index}].key_id`);
      checkCurveKey(key.publicKey, `one_time_pre_keys[${index}].public_key`);
    });
    request.oneTimeKyberPreKeys.forEach((key, index) => {
      checkKeyId(key.keyId, `one_time_kyber_pre_keys[${index}].key_id`);
      checkKyberKey(key.publicKey, `one_time_kyber_pre_keys[${index}].public_key`);
      verify(`one_time_kyber_pre_keys[${index}]`, key);
    });

    if (request.identityKey) await this.preKeys.saveIdentityKey(accountId, request.identityKey);
    const outcome = await this.preKeys.saveDeviceKeys(
      accountId,
      deviceId,
      {
        registrationId,
        signedPreKey: request.signedPreKey,
        lastResort: request.lastResortKyberPreKey,
        oneTimePreKeys: request.oneTimePreKeys,
        oneTimeKyberPreKeys: request.oneTimeKyberPreKeys,
      },
      MAX_ONE_TIME_PRE_KEYS,
    );
    if ('missingDeviceKeys' in outcome) throw invalid("a device's first upload needs signed_pre_key and last_resort_kyber_pre_key");
    if ('overStock' in outcome) {
      const { ecPreKeys, kyberPreKeys } = outcome.overStock;
      throw invalid(
        `the device already holds ${ecPreKeys} EC and ${kyberPreKeys} Kyber one-time prekeys; at most ${MAX_ONE_TIME_PRE_KEYS} of each fit`,
      );
    }
    return { count: outcome.saved };
  }

  /** Deletes every key of a device that left its account; returns how many rows went. */
  purgeDevice(accountId: string, deviceId: number): Promise<number> {
    checkDevice(accountId, deviceId);
    return this.preKeys.deleteDevice(accountId, deviceId);
  }

  async count({ accountId, deviceId }: keys.GetPreKeyCountRequest): Promise<keys.GetPreKeyCountResponse> {
    checkDevice(accountId, deviceId);
    return { count: await this.preKeys.count(accountId, deviceId) };
  }

  async bundles(request: keys.GetPreKeyBundlesRequest): Promise<keys.GetPreKeyBundlesResponse> {
    const { requesterAccountId, requesterDeviceId, accountId, clientIp } = request;
    if (!isAccountId(accountId)) throw invalid('account_id is not a bech32m account ID with prefix "coming"');
    if (!isAccountId(requesterAccountId)) throw invalid('requester_account_id is not a bech32m account ID with prefix "coming"');
    checkDeviceId(requesterDeviceId, 'requester_device_id');
    const decision = await this.fetchBudgets.spend({ accountId: requesterAccountId, deviceId: requesterDeviceId, clientIp }, accountId);
    if (!decision.allowed) {
      const budget = budgetKind(decision.bucket);
      this.metrics.fetchesRefused.add(1, { budget });
      throw new PreKeysError(
        PreKeysErrorCode.RateLimited,
        `too many prekey fetches (${budget} budget); retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
        { limit: `pre-key-fetch-${budget}`, retryAfterMs: decision.retryAfterMs },
      );
    }
    const claimed = await this.preKeys.claimBundles(accountId);
    if (claimed === undefined || claimed.devices.length === 0) return { noKeys: {} };
    for (const [deviceId, count] of claimed.remaining) {
      if (Math.min(count.ecPreKeys, count.kyberPreKeys) < this.config.KEYS_LOW_WATER_MARK) {
        this.metrics.preKeysLow.add(1);
        // The fetch already succeeded; a lost nudge only delays the refill to the next fetch.
        await this.keyEvents
          .publishLow(accountId, deviceId, count)
          .catch((error: unknown) => this.logger.warn({ err: error }, 'keys.low not published'));
      }
    }
    return { bundles: { identityKey: claimed.identityKey, devices: claimed.devices } };
  }
}

function checkDevice(accountId: string, deviceId: number) {
  if (!isAccountId(accountId)) throw invalid('account_id is not a bech32m account ID with prefix "coming"');
  checkDeviceId(deviceId, 'device_id');
}

function checkDeviceId(deviceId: number, field: string) {
  if (!Number.isInteger(deviceId) || deviceId < 1 || deviceId > MAX_DEVICE_ID) throw invalid(`${field} must be 1 to ${MAX_DEVICE_ID}`);
}

/** "target", "ip" or "new-account": the bucket's kind, without whom it names. */
function budgetKind(bucket: string): string {
  return bucket.slice(0, bucket.indexOf(':'));
}

function checkKeyId(keyId: number, field: string) {
  if (!Number.isInteger(keyId) || keyId < 1 || keyId > MAX_KEY_ID) throw invalid(`${field} must be 1 to ${MAX_KEY_ID}`);
}

function checkCurveKey(key: Uint8Array, field: string) {
  if (key.length !== SERIALIZED_CURVE_PUBLIC_KEY_LENGTH || key[0] !== CURVE_KEY_TYPE) {
    throw invalid(`${field} must be ${SERIALIZED_CURVE_PUBLIC_KEY_LENGTH} bytes starting 0x05`);
  }
}

function checkKyberKey(key: Uint8Array, field: string) {
  if (key.length !== KYBER_1024_PUBLIC_KEY_LENGTH + 1 || key[0] !== KYBER_1024_KEY_TYPE) {
    throw invalid(`${field} must be ${KYBER_1024_PUBLIC_KEY_LENGTH + 1} bytes starting 0x08`);
  }
}

function invalid(message: string): PreKeysError {
  return new PreKeysError(PreKeysErrorCode.InvalidArgument, message);
}
