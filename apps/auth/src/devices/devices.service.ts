import { deviceRemovalDigest, verifyDeviceRemoval } from '@coming/identity';
import {
  type auth,
  DEVICE_REMOVAL_NONCE_BYTES,
  DEVICE_REMOVAL_WINDOW_MS,
  devices,
  MAX_ENCRYPTED_DEVICE_NAME_BYTES,
  SCHNORR_SIGNATURE_BYTES,
} from '@coming/proto';
import { InjectLogger, type Logger } from '@coming/logging';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { AccountEventsRepository } from '../accounts/account-events.repository';
import { AccountsRepository } from '../accounts/accounts.repository';
import { type AuthConfig, InjectAuthConfig } from '../auth.config';
import { UsedChallengesRepository } from '../login/used-challenges.repository';
import { accountIdField, deviceIdField } from '../request-fields';
import { TokensService } from '../tokens/tokens.service';
import { DevicePurgeRepository } from './device-purge.repository';
import { DevicesError, DevicesErrorCode } from './devices.errors';
import { type RemovalReason, type RemovedDeviceRow, DevicesRepository } from './devices.repository';

const DAY_MS = 86_400_000;
// Recently removed devices listed at most; an account holds 16 devices, so this is generous.
const MAX_LISTED_REMOVALS = 50;
// Devices expired, and pending purges retried, per sweep round.
const SWEEP_BATCH = 100;

const REVOKE_REASONS: Record<RemovalReason, string> = {
  removed: 'device removed from the account',
  expired: 'device expired after being inactive',
};

/**
 * An account's devices as the account manages them. Removal, whether asked for with the
 * account key's signature or by expiry, runs the same steps: the device row goes (with
 * its refresh tokens) and a removal record is written in one transaction; then its
 * sockets are closed, the gateways drop the account's cached device list and tell its
 * other devices, and the mailbox and keys are asked to purge it. Those last steps are
 * announcements and requests over the broker, and the caller does not wait for the
 * purge; a lost purge is asked again by the sweep until both services confirm, and the
 * device ID stays out of use until then.
 */
@Injectable()
export class DevicesService {
  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly devices: DevicesRepository,
    private readonly accounts: AccountsRepository,
    private readonly events: AccountEventsRepository,
    private readonly tokens: TokensService,
    private readonly purges: DevicePurgeRepository,
    private readonly usedProofs: UsedChallengesRepository,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async list(request: auth.ListDevicesRequest): Promise<auth.ListDevicesResponse> {
    const accountId = accountIdField(request.accountId, invalid);
    const since = new Date(this.clock.now().getTime() - this.inactiveMs);
    const [rows, removed] = await Promise.all([
      this.devices.list(accountId),
      this.devices.removedSince(accountId, since, MAX_LISTED_REMOVALS),
    ]);
    return {
      devices: rows.map((row) => ({
        deviceId: row.deviceId,
        encryptedName: row.encryptedName ?? new Uint8Array(),
        createdAtMs: row.createdAt.getTime(),
        lastSeenAtMs: row.lastSeenAt.getTime(),
        kind: row.linked ? devices.DeviceKind.DEVICE_KIND_LINKED : devices.DeviceKind.DEVICE_KIND_PRIMARY,
        ready: row.ready,
      })),
      recentlyRemoved: removed.map(removedDeviceOf),
    };
  }

  /**
   * The signature is checked first, so that nobody without the account key learns which
   * devices exist; then the time window, then single use (the removal's digest is recorded
   * as a spent challenge until the window has passed).
   */
  async remove(request: auth.RemoveDeviceRequest): Promise<auth.RemoveDeviceResponse> {
    const accountId = accountIdField(request.accountId, invalid);
    const deviceId = deviceIdField(request.deviceId, { newAllowed: false }, invalid);
    const { timestampMs, nonce, signature } = request;
    if (nonce.length !== DEVICE_REMOVAL_NONCE_BYTES)
      throw invalid(`nonce must be ${DEVICE_REMOVAL_NONCE_BYTES} bytes, got ${nonce.length}`);
    if (signature.length !== SCHNORR_SIGNATURE_BYTES) {
      throw invalid(`signature must be ${SCHNORR_SIGNATURE_BYTES} bytes, got ${signature.length}`);
    }
    const removal = { accountId, deviceId, timestampMs, nonce };
    if (!verifyDeviceRemoval(removal, signature)) return { badSignature: {} };
    const now = this.clock.now();
    if (Math.abs(now.getTime() - timestampMs) > DEVICE_REMOVAL_WINDOW_MS) {
      const minutes = DEVICE_REMOVAL_WINDOW_MS / 60_000;
      return { removalRejected: { reason: `signed more than ${minutes} minutes from the server's clock: sign the removal again` } };
    }
    if (!(await this.devices.exists(accountId, deviceId))) return { deviceNotFound: {} };
    if (!(await this.usedProofs.redeem(deviceRemovalDigest(removal), new Date(timestampMs + DEVICE_REMOVAL_WINDOW_MS)))) {
      return { removalRejected: { reason: 'this removal request was already used: sign a new one' } };
    }
    // A concurrent removal of the same device may have won meanwhile; the device is gone either way.
    await this.removeAndAnnounce(accountId, deviceId, 'removed');
    return { removed: {} };
  }

  async setName(request: auth.SetDeviceNameRequest): Promise<auth.SetDeviceNameResponse> {
    const accountId = accountIdField(request.accountId, invalid);
    const deviceId = deviceIdField(request.deviceId, { newAllowed: false }, invalid);
    const { encryptedName } = request;
    if (encryptedName.length === 0 || encryptedName.length > MAX_ENCRYPTED_DEVICE_NAME_BYTES) {
      throw invalid(`encrypted_name must be 1 to ${MAX_ENCRYPTED_DEVICE_NAME_BYTES} bytes, got ${encryptedName.length}`);
    }
    if (!(await this.devices.setName(accountId, deviceId, encryptedName))) {
      throw new DevicesError(DevicesErrorCode.DeviceNotFound, `device ${deviceId} of account ${accountId} is not registered`);
    }
    return {};
  }

  /** Removes devices not seen for AUTH_DEVICE_INACTIVE_DAYS; for the sweep. Returns how many. */
  async expireInactive(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.inactiveMs);
    const inactive = await this.devices.inactive(before, SWEEP_BATCH);
    for (const { accountId, deviceId } of inactive) await this.removeAndAnnounce(accountId, deviceId, 'expired');
    return inactive.length;
  }

  /** Asks again for every purge not confirmed yet; for the sweep. */
  async purgePending(): Promise<void> {
    for (const removed of await this.devices.pendingPurges(SWEEP_BATCH)) await this.purge(removed, removed.pending);
  }

  private get inactiveMs(): number {
    return this.config.AUTH_DEVICE_INACTIVE_DAYS * DAY_MS;
  }

  private async removeAndAnnounce(accountId: string, deviceId: number, reason: RemovalReason): Promise<void> {
    const removed = await this.devices.remove(accountId, deviceId, reason, this.clock.now());
    if (removed === null) return;
    await this.tokens.revokeDevice(accountId, deviceId, REVOKE_REASONS[reason]);
    const deviceIds = (await this.accounts.listReadyDevices(accountId)) ?? [];
    await this.events.publishDevicesChanged(accountId, deviceIds, [removedDeviceOf(removed)]);
    // Not awaited: the removal stands once committed, and the sweep asks again for any purge not confirmed.
    this.purge(removed, ['mailbox', 'keys']).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'could not record a purge of a removed device; the sweep asks again'),
    );
  }

  private async purge(removed: RemovedDeviceRow, services: readonly ('mailbox' | 'keys')[]): Promise<void> {
    await Promise.all(
      services.map(async (service) => {
        if (await this.purges.purge(service, removed.accountId, removed.deviceId)) {
          await this.devices.markPurged(removed, service, this.clock.now());
        }
      }),
    );
  }
}

function removedDeviceOf(row: RemovedDeviceRow): devices.RemovedDevice {
  return {
    deviceId: row.deviceId,
    reason: row.reason === 'removed' ? devices.RemovalReason.REMOVAL_REASON_REMOVED : devices.RemovalReason.REMOVAL_REASON_EXPIRED,
    removedAtMs: row.removedAt.getTime(),
  };
}

function invalid(message: string): DevicesError {
  return new DevicesError(DevicesErrorCode.InvalidArgument, message);
}
