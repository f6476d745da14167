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
  /** Event: a device's tokens were revoked; gateways close its sockets and refuse its older access tokens. */
  deviceRevoked: (accountId: string, deviceId: number) => deviceSubject(accountId, deviceId, 'revoked'),
  /** Every subject above for one device: what the gateway holding it subscribes to, once. */
  deviceEvents: (accountId: string, deviceId: number) => `device.${accountId}.${deviceId}.*`,
  /** Event: an account's recipient devices changed; gateways drop their cached list. */
  devicesChanged: (accountId: string) => `devices.changed.${accountId}`,
  /** Request from auth to the mailbox: delete a removed device's envelopes. */
  purgeMailbox: (accountId: string, deviceId: number) => `purge.${accountId}.${deviceId}.mailbox`,
  /** Request from auth to keys: delete a removed device's prekeys. */
  purgeKeys: (accountId: string, deviceId: number) => `purge.${accountId}.${deviceId}.keys`,
  /** Request: hand a provisioning message to the new device waiting at this address, on whichever gateway holds it. */
  provisioning: (address: string) => `provisioning.${address}`,
  /** Event: one of an account's payment statuses changed; gateways push it to the account's devices. */
  paymentStatus: (accountId: string) => `payments.status.${accountId}`,
};

/** The account and device a purge request (`subjects.purgeMailbox`, `subjects.purgeKeys`) is about; undefined for any other subject. */
export function purgeTargetOf(subject: string): { accountId: string; deviceId: number } | undefined {
  return accountDeviceOf(subject, 'purge');
}

/** The account and device a revocation (`subjects.deviceRevoked`) is about; undefined for any other subject. */
export function revokedDeviceOf(subject: string): { accountId: string; deviceId: number } | undefined {
  return deviceEventOf(subject) === 'revoked' ? accountDeviceOf(subject, 'device') : undefined;
}

/** The account and device of a `<root>.<account>.<device>.<last>` subject. */
function accountDeviceOf(subject: string, wantedRoot: string): { accountId: string; deviceId: number } | undefined {
  const [root, accountId, device, last, ...rest] = subject.split('.');
  const deviceId = Number(device);
  if (root !== wantedRoot || accountId === undefined || last === undefined || rest.length > 0) return undefined;
  return Number.isInteger(deviceId) && deviceId > 0 ? { accountId, deviceId } : undefined;
}

/** Which per-device event a subject received on `subjects.deviceEvents` carries; undefined for anything else. */
export function deviceEventOf(subject: string): DeviceEvent | undefined {
  const event = subject.slice(subject.lastIndexOf('.') + 1);
  return DEVICE_EVENTS.has(event) ? (event as DeviceEvent) : undefined;
}

/**
 * Each subject of `subjects` with its account and device replaced by wildcards: what NATS
 * permissions grant, and what traces record instead of the subject, which names an account.
 */
export const subjectPatterns = {
  deliver: 'device.*.*.deliver',
  mailboxStored: 'device.*.*.stored',
  keysLow: 'device.*.*.keys-low',
  deviceConnected: 'device.*.*.connected',
  deviceRevoked: 'device.*.*.revoked',
  deviceEvents: 'device.*.*.*',
  devicesChanged: 'devices.changed.*',
  purgeMailbox: 'purge.*.*.mailbox',
  purgeKeys: 'purge.*.*.keys',
  provisioning: 'provisioning.*',
  paymentStatus: 'payments.status.*',
} satisfies Record<keyof typeof subjects, string>;

/**
 * The pattern a concrete subject belongs to. A subject of no known pattern keeps only its
 * first token, so that whatever identifiers follow never reach a trace.
 */
export function subjectPatternOf(subject: string): string {
  for (const pattern of Object.values(subjectPatterns)) if (matches(pattern, subject)) return pattern;
  const [first = '', ...rest] = subject.split('.');
  return rest.length === 0 ? first : `${first}.>`;
}

function matches(pattern: string, subject: string): boolean {
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  return wanted.length === tokens.length && wanted.every((token, index) => token === '*' || token === tokens[index]);
}
