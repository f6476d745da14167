import { describe, expect, it } from 'vitest';
import { serverGuidOf, serverGuidsOf } from './server-guid';

describe(serverGuidOf.name, () => {
  const address = {
    sourceAccount: 'coming1alice',
    sourceDevice: 1,
    clientMessageId: new Uint8Array(16).fill(9),
    destinationAccount: 'coming1bob',
    destinationDevice: 2,
  };

  it('gives a resend the same 16-byte GUID', () => {
    expect(serverGuidOf(address)).toHaveLength(16);
    expect(serverGuidOf({ ...address })).toEqual(serverGuidOf(address));
  });

  it('gives each copy of a message the GUID it would get alone', () => {
    const guids = serverGuidsOf(address);
    for (const destinationDevice of [1, 2, 17]) {
      expect(Buffer.from(guids(destinationDevice))).toEqual(Buffer.from(serverGuidOf({ ...address, destinationDevice })));
    }
  });

  it('gives every other sender, device or message a different GUID', () => {
    const guid = Buffer.from(serverGuidOf(address)).toString('hex');
    const variants = [
      { ...address, sourceAccount: 'coming1mallory' },
      { ...address, sourceDevice: 11 },
      { ...address, destinationDevice: 3 },
      { ...address, destinationAccount: 'coming1carol' },
      { ...address, clientMessageId: new Uint8Array(16).fill(8) },
      // Field boundaries are length-prefixed, so shifting text between fields changes the GUID.
      { ...address, sourceAccount: 'coming1alic', destinationAccount: 'ecoming1bob' },
    ];
    for (const variant of variants) expect(Buffer.from(serverGuidOf(variant)).toString('hex')).not.toBe(guid);
  });
});
