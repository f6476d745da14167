import { wire } from '@coming/proto';
import { ClientError } from '../client.errors';
import type { StateKeeper } from '../state-keeper';

/**
 * How long a device that knows of no other device of its own account waits before asking
 * the server's device list again: one call to auth, so not on every send. Other devices
 * also make themselves known by sending (see `learnSender`), linking one asks again at
 * once, and a known list is corrected by DEVICE_MISMATCH.
 */
export const OWN_DEVICES_RECHECK_MS = 10 * 60_000;

/**
 * The one place that knows which devices each account has, as far as this device has
 * learnt: from the key directory when first writing to an account, from the server's
 * DEVICE_MISMATCH correction when the list went stale, and from the sender of each message
 * received. This device itself is never listed, so its own account's list is its other
 * devices, as the server expects for a send to oneself. Changes are made in memory; the
 * caller saves them with the Signal state they go with.
 */
export class RecipientDevices {
  constructor(
    private readonly keeper: StateKeeper,
    private readonly now: () => number = Date.now,
  ) {}

  /** The known devices of `accountId`, or undefined when the key directory should be asked. */
  known(accountId: string): readonly number[] | undefined {
    const { recipients, ownDevicesCheckedAtMs } = this.keeper.state;
    const devices = recipients[accountId];
    if (accountId === this.keeper.state.accountId && (devices?.length ?? 0) === 0) {
      const due = ownDevicesCheckedAtMs === undefined || this.now() - ownDevicesCheckedAtMs >= OWN_DEVICES_RECHECK_MS;
      return due ? undefined : [];
    }
    return devices;
  }

  /**
   * The devices of `accountId` as last learnt, even when the key directory is due to be
   * asked again: the best there is while the server is away.
   */
  lastKnown(accountId: string): readonly number[] | undefined {
    return this.keeper.state.recipients[accountId];
  }

  /** `devices` less this device, when `accountId` is this device's own account. */
  others(accountId: string, devices: readonly number[]): number[] {
    const { accountId: own, deviceId } = this.keeper.state;
    return accountId === own ? devices.filter((device) => device !== deviceId) : [...devices];
  }

  /** Takes the devices the key directory listed for `accountId` as its whole list. */
  adopt(accountId: string, devices: readonly number[]): void {
    this.keeper.state.recipients[accountId] = sorted(this.others(accountId, devices));
    if (accountId === this.keeper.state.accountId) this.keeper.state.ownDevicesCheckedAtMs = this.now();
  }

  /**
   * Applies a send's DEVICE_MISMATCH refusal: drops the devices the server called extra
   * and adds the missing ones. Returns false for any other error.
   */
  correct(accountId: string, error: unknown): boolean {
    const serverError = error instanceof ClientError ? error.serverError : undefined;
    if (serverError?.code !== wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH) return false;
    const current = this.keeper.state.recipients[accountId] ?? [];
    const devices = new Set([...current.filter((device) => !serverError.extraDevices.includes(device)), ...serverError.missingDevices]);
    this.keeper.state.recipients[accountId] = sorted(this.others(accountId, [...devices]));
    return true;
  }

  /** Devices of `accountId` left it (a DevicesRemoved push): later messages no longer go to them. */
  forget(accountId: string, devices: readonly number[]): void {
    const current = this.keeper.state.recipients[accountId];
    if (current !== undefined) this.keeper.state.recipients[accountId] = current.filter((device) => !devices.includes(device));
  }

  /**
   * This device just linked another to the account: the next message to the account asks
   * the key directory again, even within the hour, so that the new device gets its copy.
   */
  recheckOwnDevices(): void {
    delete this.keeper.state.ownDevicesCheckedAtMs;
  }

  /** A message came from `deviceId` of `accountId`: later messages to the account go to it too. */
  learnSender(accountId: string, deviceId: number): void {
    const devices = this.keeper.state.recipients[accountId] ?? [];
    if (devices.includes(deviceId)) return;
    this.keeper.state.recipients[accountId] = sorted(this.others(accountId, [...devices, deviceId]));
  }
}

function sorted(devices: number[]): number[] {
  return [...new Set(devices)].sort((a, b) => a - b);
}
