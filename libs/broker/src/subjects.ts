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

/**
 * Each subject of `subjects` with its account and device replaced by wildcards: what NATS
 * permissions grant, and what traces record instead of the subject, which names an account.
 */
export const subjectPatterns = {
  deliver: 'deliver.*.*',
  mailboxStored: 'mailbox.stored.*.*',
  keysLow: 'keys.low.*.*',
  deviceConnected: 'presence.connected.*.*',
  deviceRevoked: 'presence.revoked.*.*',
  devicesChanged: 'devices.changed.*',
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
