import type { DeviceListing, ListedDevice, RemovedDeviceNotice } from '@coming/client';

/** One device of the account, as `devices --json` prints it. */
export interface DeviceView {
  id: number;
  /** As its device named itself; null while unnamed or when the name cannot be opened. */
  name: string | null;
  kind: 'primary' | 'linked';
  createdAt: string;
  lastSeenAt: string;
  /** It has published its keys and receives messages. */
  ready: boolean;
  thisDevice: boolean;
}

/** A device that left the account lately: removed by the primary, or expired unused. */
export interface RemovedDeviceView {
  id: number;
  reason: 'removed' | 'expired';
  removedAt: string;
}

export interface DevicesView {
  devices: DeviceView[];
  recentlyRemoved: RemovedDeviceView[];
}

export function devicesView({ devices, recentlyRemoved }: DeviceListing): DevicesView {
  return { devices: devices.map(deviceView), recentlyRemoved: recentlyRemoved.map(removedDeviceView) };
}

export function removedDeviceView({ deviceId, reason, removedAt }: RemovedDeviceNotice): RemovedDeviceView {
  return { id: deviceId, reason, removedAt: removedAt.toISOString() };
}

function deviceView(device: ListedDevice): DeviceView {
  return {
    id: device.deviceId,
    name: device.name ?? null,
    kind: device.kind,
    createdAt: device.createdAt.toISOString(),
    lastSeenAt: device.lastSeenAt.toISOString(),
    ready: device.ready,
    thisDevice: device.thisDevice,
  };
}
