import { describe, expect, it } from 'vitest';
import { deviceEventOf, subjects } from './subjects';

describe('device subjects', () => {
  const account = 'coming1qqqsyqcyq5rqwzqf';

  it('puts every per-device subject under the one wildcard a gateway subscribes to', () => {
    const wildcard = subjects.deviceEvents(account, 7).split('.');
    const perDevice = [subjects.deliver, subjects.mailboxStored, subjects.keysLow, subjects.deviceConnected, subjects.deviceRevoked];
    for (const subject of perDevice.map((of) => of(account, 7).split('.'))) {
      expect(subject).toHaveLength(wildcard.length);
      expect(subject.slice(0, -1)).toEqual(wildcard.slice(0, -1));
    }
  });

  it('reads the event back from the subject, and nothing from a subject of another kind', () => {
    expect(deviceEventOf(subjects.deliver(account, 7))).toBe('deliver');
    expect(deviceEventOf(subjects.mailboxStored(account, 7))).toBe('stored');
    expect(deviceEventOf(subjects.keysLow(account, 7))).toBe('keys-low');
    expect(deviceEventOf(subjects.deviceConnected(account, 7))).toBe('connected');
    expect(deviceEventOf(subjects.deviceRevoked(account, 7))).toBe('revoked');
    expect(deviceEventOf(subjects.devicesChanged(account))).toBeUndefined();
  });
});
