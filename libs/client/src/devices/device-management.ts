import { decryptDeviceName, encryptDeviceName, signDeviceRemoval } from '@coming/identity';
import { devices } from '@coming/proto';
import { answerOf, type DeviceRequest } from './device-request';

/** One device of the account, its name opened. */
export interface ListedDevice {
  deviceId: number;
  /** Undefined while the device has no name, or when its name cannot be opened. */
  name: string | undefined;
  kind: 'primary' | 'linked';
  createdAt: Date;
  lastSeenAt: Date;
  /** Whether it has published its keys and receives messages. */
  ready: boolean;
  /** Whether it is the device that listed it. */
  thisDevice: boolean;
}

export interface RemovedDeviceNotice {
  deviceId: number;
  reason: 'removed' | 'expired';
  removedAt: Date;
}

export interface DeviceListing {
  devices: ListedDevice[];
  recentlyRemoved: RemovedDeviceNotice[];
}

/** What every device of the account holds: the account ID and the Signal identity private key. */
export interface AccountIdentity {
  accountId: string;
  identityPrivateKey: Uint8Array;
}

/** Lists the account's devices, opening their names with the identity key; `thisDeviceId` marks the caller's own. */
export async function listDevices(request: DeviceRequest, identity: AccountIdentity, thisDeviceId?: number): Promise<DeviceListing> {
  const listing = answerOf(await request({ listDevices: {} }), 'listDevices');
  return {
    devices: listing.devices.map((device) => ({
      deviceId: device.deviceId,
      name: openName(device.encryptedName, identity),
      kind: device.kind === devices.DeviceKind.DEVICE_KIND_LINKED ? 'linked' : 'primary',
      createdAt: new Date(device.createdAtMs),
      lastSeenAt: new Date(device.lastSeenAtMs),
      ready: device.ready,
      thisDevice: device.deviceId === thisDeviceId,
    })),
    recentlyRemoved: listing.recentlyRemoved.map(removedDeviceNotice),
  };
}

/** Names the device this connection belongs to; the server stores only the sealed name. */
export async function nameThisDevice(request: DeviceRequest, name: string, identity: AccountIdentity): Promise<void> {
  const encryptedName = encryptDeviceName(name, identity.accountId, identity.identityPrivateKey);
  answerOf(await request({ setDeviceName: { encryptedName } }), 'setDeviceName');
}

/**
 * Removes a device of the account. Only a primary can: the request is signed by the
 * account key. The removed device is disconnected and can never log in with its certificate again.
 */
export async function removeDevice(
  request: DeviceRequest,
  deviceId: number,
  account: { accountId: string; accountPrivateKey: Uint8Array },
): Promise<void> {
  const { timestampMs, nonce, signature } = signDeviceRemoval(account.accountId, deviceId, account.accountPrivateKey);
  answerOf(await request({ removeDevice: { deviceId, timestampMs, nonce, signature } }), 'removeDevice');
}

/** A DevicesRemoved push or a listing's entry, for people. */
export function removedDeviceNotice(removed: devices.RemovedDevice): RemovedDeviceNotice {
  return {
    deviceId: removed.deviceId,
    reason: removed.reason === devices.RemovalReason.REMOVAL_REASON_EXPIRED ? 'expired' : 'removed',
    removedAt: new Date(removed.removedAtMs),
  };
}

function openName(encryptedName: Uint8Array, identity: AccountIdentity): string | undefined {
  if (encryptedName.length === 0) return undefined;
  try {
    return decryptDeviceName(encryptedName, identity.accountId, identity.identityPrivateKey);
  } catch {
    // A name sealed by someone else cannot be shown; the device is still listed.
    return undefined;
  }
}
