/** NATS subjects, in one place so publishers and subscribers cannot drift apart. */
export const subjects = {
  /** Request: push an envelope to a connected device. */
  deliver: (accountId: string, deviceId: number) => `deliver.${accountId}.${deviceId}`,
  /** Event: an envelope was committed to a device's mailbox. */
  mailboxStored: (accountId: string, deviceId: number) => `mailbox.stored.${accountId}.${deviceId}`,
  /** Event: a device's one-time prekeys run low; it should upload more. */
  keysLow: (accountId: string, deviceId: number) => `keys.low.${accountId}.${deviceId}`,
  /** Event: a device opened a new connection; older ones must close. */
  deviceConnected: (accountId: string, deviceId: number) => `presence.connected.${accountId}.${deviceId}`,
  /** Event: a device's tokens were revoked; gateways close its sockets. */
  deviceRevoked: (accountId: string, deviceId: number) => `presence.revoked.${accountId}.${deviceId}`,
  /** Event: an account's recipient devices changed; gateways drop their cached list. */
  devicesChanged: (accountId: string) => `devices.changed.${accountId}`,
};
