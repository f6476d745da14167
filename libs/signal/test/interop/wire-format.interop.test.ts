import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../../src/crypto/bytes';
import { nobleCryptoBackend } from '../../src/crypto/noble-crypto-backend';
import { generateCurveKeyPair } from '../../src/keys/curve-key-pair';
import { createSignalMessage, parseSignalMessage, verifySignalMessageMac } from '../../src/protocol/signal-message';
import { forLibsignal, type Libsignal, loadLibsignal } from './load-libsignal';

describe('SignalMessage wire format against libsignal', () => {
  let libsignal: Libsignal;
  beforeAll(async () => {
    libsignal = await loadLibsignal();
  });

  const cases = [
    { counter: 0, previousCounter: 0, ciphertextLength: 16 },
    { counter: 1, previousCounter: 0, ciphertextLength: 32 },
    { counter: 300, previousCounter: 127, ciphertextLength: 1040 },
    { counter: 0xffff_ffff, previousCounter: 0x8000_0000, ciphertextLength: 160 },
  ];

  it.each(cases)('serializes byte-for-byte like libsignal (counter $counter)', async ({ counter, previousCounter, ciphertextLength }) => {
    const macKey = randomBytes(32);
    const ratchetKey = generateCurveKeyPair().publicKey;
    const senderIdentityKey = generateCurveKeyPair().publicKey;
    const receiverIdentityKey = generateCurveKeyPair().publicKey;
    const ciphertext = randomBytes(ciphertextLength);
    const ours = await createSignalMessage(
      { ratchetKey, counter, previousCounter, ciphertext },
      { macKey, senderIdentityKey, receiverIdentityKey },
      nobleCryptoBackend,
    );
    const theirs = libsignal.SignalMessage._new(
      4,
      forLibsignal(macKey),
      libsignal.PublicKey.deserialize(forLibsignal(ratchetKey)),
      counter,
      previousCounter,
      forLibsignal(ciphertext),
      libsignal.PublicKey.deserialize(forLibsignal(senderIdentityKey)),
      libsignal.PublicKey.deserialize(forLibsignal(receiverIdentityKey)),
      new Uint8Array(0),
    );
    expect(ours.serialized).toEqual(theirs.serialize());

    const parsed = parseSignalMessage(theirs.serialize());
    expect(parsed).toMatchObject({ ratchetKey, counter, previousCounter, ciphertext });
    expect(await verifySignalMessageMac(parsed, { macKey, senderIdentityKey, receiverIdentityKey }, nobleCryptoBackend)).toBe(true);
    expect(
      await verifySignalMessageMac(
        parsed,
        { macKey, senderIdentityKey: receiverIdentityKey, receiverIdentityKey: senderIdentityKey },
        nobleCryptoBackend,
      ),
    ).toBe(false);

    const reparsed = libsignal.SignalMessage.deserialize(forLibsignal(ours.serialized));
    expect(reparsed.counter()).toBe(counter);
    expect(reparsed.body()).toEqual(ciphertext);
  });
});
