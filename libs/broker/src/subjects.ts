/** What happens on one device's subjects; the last token of `device.<account>.<device>.<event>`. */
export type DeviceEvent = 'deliver' | 'stored' | 'connected' | 'keys-low' | 'revoked';

const DEVICE_EVENTS: ReadonlySet<string> = new Set<DeviceEvent>(['deliver', 'stored', 'connected', 'keys-low', 'revoked']);

// Every per-device subject shares one prefix, so a gateway holds one subscription per
// device (`device.<account>.<device>.*`) instead of one per kind of event.
const deviceSubject = (accountId: string, deviceId: number, event: DeviceEvent) => `device.${accountId}.${deviceId}.${event}`;

/** NATS subjects, in one place so publishers and subscribers cannot drift apart. */
export const subjects = {
  /** Request: push an envelope to a connected device. */
  deliver: (accountId: string, deviceId: number) => deviceSubject(accountId, deviceId, 'deliver'),
  /** Event: an envelope was committed to a device's mailbox. */
  mailboxStored: (accountId: string, deviceId: number) => deviceSubject(accountId, deviceId, 'stored'),
  /** Event: a device's one-time prekeys run low; it should upload more. */
  keysLow: (accountId: string, deviceId: number) => deviceSubject(accountId, deviceId, 'keys-low'),
  /** Event: a device opened a new connection; older ones must close. */
  deviceConnected: (accountId: string, deviceId: number) => deviceSubject(accountId, deviceId, 'connected'),
  /** Event: a device's tokens were revoked; gateways close its sockets. */
  deviceRevoked: (accountId: string, deviceId: number) => deviceSubject(accountId, deviceId, 'revoked'),
  /** Every subject above for one device: what the gateway holding it subscribes to, once. */
  deviceEvents: (accountId: string, deviceId: number) => `device.${accountId}.${deviceId}.*`,
  /** Event: an account's recipient devices changed; gateways drop their cached list. */
  devicesChanged: (accountId: string) => `devices.changed.${accountId}`,
};

/** Which per-device event a subject received on `subjects.deviceEvents` carries; undefined for anything else. */
export function deviceEventOf(subject: string): DeviceEvent | undefined {
  const event = subject.slice(subject.lastIndexOf('.') + 1);
  return DEVICE_EVENTS.has(event) ? (event as DeviceEvent) : undefined;
}
