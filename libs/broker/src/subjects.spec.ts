import { describe, expect, it } from 'vitest';
import { deviceEventOf, purgeTargetOf, revokedDeviceOf, subjectPatternOf, subjectPatterns, subjects } from './subjects';

describe(subjectPatternOf.name, () => {
  it('maps every subject to its own pattern, so that permissions and traces cover each one', () => {
    for (const [name, subject] of Object.entries(subjects)) {
      expect(subjectPatternOf(subject('coming1someone', 7)), name).toBe(subjectPatterns[name as keyof typeof subjects]);
    }
  });

  it('keeps only the first token of a subject it does not know, so no identifier reaches a trace', () => {
    expect(subjectPatternOf('receipts.coming1someone.7')).toBe('receipts.>');
    expect(subjectPatternOf('ping')).toBe('ping');
  });
});

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

describe(purgeTargetOf.name, () => {
  const account = 'coming1qqqsyqcyq5rqwzqf';

  it('reads the device a purge request is about, whichever service it asks', () => {
    expect(purgeTargetOf(subjects.purgeMailbox(account, 7))).toEqual({ accountId: account, deviceId: 7 });
    expect(purgeTargetOf(subjects.purgeKeys(account, 12))).toEqual({ accountId: account, deviceId: 12 });
  });

  it('reads nothing from another subject', () => {
    expect(purgeTargetOf(subjects.deviceRevoked(account, 7))).toBeUndefined();
    expect(purgeTargetOf(`purge.${account}.x.keys`)).toBeUndefined();
    expect(purgeTargetOf(`purge.${account}.7.keys.more`)).toBeUndefined();
  });
});

describe(revokedDeviceOf.name, () => {
  const account = 'coming1qqqsyqcyq5rqwzqf';

  it('reads the device a revocation is about, and nothing from another device event or a malformed subject', () => {
    expect(revokedDeviceOf(subjects.deviceRevoked(account, 7))).toEqual({ accountId: account, deviceId: 7 });
    expect(revokedDeviceOf(subjects.deviceConnected(account, 7))).toBeUndefined();
    expect(revokedDeviceOf(subjects.purgeKeys(account, 7))).toBeUndefined();
    expect(revokedDeviceOf(`device.${account}.0.revoked`)).toBeUndefined();
    expect(revokedDeviceOf(`device.${account}.7.x.revoked`)).toBeUndefined();
  });
});
