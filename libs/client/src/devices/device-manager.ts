import { InvalidDeviceNameError } from '@coming/identity';
import type { devices } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { ClientEvents } from '../events/client-events';
import type { DeviceIdentity } from '../identity/device-identity';
import { PrimaryIdentity } from '../identity/primary-identity';
import type { RecipientDevices } from '../recipients/recipient-devices';
import type { StateKeeper } from '../state-keeper';
import type { DeviceDirectory } from '../transport/transport';
import { approveLinkCode } from './approve-link';
import { type DeviceListing, listDevices, nameThisDevice, removedDeviceNotice, removeDevice } from './device-management';

/**
 * The account's devices as this device sees and manages them: linking a new one and
 * removing one (the primary only: both need the account key), listing and naming, and
 * the server's word that devices left, which this device's own recipient list follows.
 */
export class DeviceManager {
  constructor(
    private readonly keeper: StateKeeper,
    private readonly identity: DeviceIdentity,
    private readonly connected: () => Promise<DeviceDirectory>,
    private readonly recipients: RecipientDevices,
    private readonly events: ClientEvents,
  ) {}

  /** Certifies the device that shows `linkCode` and hands it the account's identity key. */
  async approveLink(linkCode: string): Promise<void> {
    const primary = this.primaryFor('approve a link code');
    await approveLinkCode((await this.connected()).requestDevices, linkCode, primary);
    this.recipients.recheckOwnDevices();
    await this.keeper.save();
  }

  async list(): Promise<DeviceListing> {
    return listDevices((await this.connected()).requestDevices, this.identity, this.keeper.state.deviceId);
  }

  async nameThisDevice(name: string): Promise<void> {
    const request = (await this.connected()).requestDevices;
    try {
      await nameThisDevice(request, name, this.identity);
    } catch (error) {
      if (error instanceof InvalidDeviceNameError) {
        throw new ClientError(ClientErrorCode.InvalidArgument, error.message, undefined, { cause: error });
      }
      throw error;
    }
  }

  async remove(deviceId: number): Promise<void> {
    const primary = this.primaryFor('remove a device');
    if (!Number.isInteger(deviceId) || deviceId < 1) {
      throw new ClientError(ClientErrorCode.InvalidArgument, `device ID must be a whole number from 1, got ${deviceId}`);
    }
    if (deviceId === this.keeper.state.deviceId) {
      throw new ClientError(ClientErrorCode.InvalidArgument, `device ${deviceId} is this device: remove it from another one`);
    }
    await removeDevice((await this.connected()).requestDevices, deviceId, primary);
  }

  /** The server's push: drop the devices from this account's list, so that sync transcripts stop addressing them. */
  async removed(removed: devices.RemovedDevice[]): Promise<void> {
    this.recipients.forget(
      this.keeper.state.accountId,
      removed.map(({ deviceId }) => deviceId),
    );
    await this.keeper.save();
    this.events.emit('devicesRemoved', removed.map(removedDeviceNotice));
  }

  private primaryFor(action: string): PrimaryIdentity {
    if (this.identity instanceof PrimaryIdentity) return this.identity;
    throw new ClientError(
      ClientErrorCode.Identity,
      `only the account's primary device can ${action}: it needs the account key, which a linked device never holds`,
    );
  }
}
