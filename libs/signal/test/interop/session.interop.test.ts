import { beforeAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../src/crypto/bytes';
import { createNodeCryptoBackend } from '../../src/crypto/node-crypto-backend';
import { nobleCryptoBackend } from '../../src/crypto/noble-crypto-backend';
import { kyberPublicKeyFromSecretKey } from '../../src/kyber/kyber1024';
import { xeddsaSign } from '../../src/keys/xeddsa';
import { CiphertextMessageType } from '../../src/protocol/message-version';
import { createPreKeySignalMessage, parsePreKeySignalMessage } from '../../src/protocol/pre-key-signal-message';
import { SignalProtocolErrorCode } from '../../src/signal-protocol.errors';
import { type ConversationPeer, runRandomConversation, seededRandom } from '../support/conversation';
import { OurParty } from '../support/our-party';
import { createLibsignalParty } from './libsignal-party';
import { type Libsignal, loadLibsignal } from './load-libsignal';

const MESSAGES_EACH_WAY = 1_000;

describe('sessions against libsignal 0.90.0', () => {
  let libsignal: Libsignal;
  beforeAll(async () => {
    libsignal = await loadLibsignal();
  });

  async function ourInitiatorSession(withOneTimePreKey = true) {
    const ours = new OurParty({ name: 'ours', deviceId: 1 });
    const theirs = createLibsignalParty(libsignal, { name: 'theirs', deviceId: 2 });
    await ours.builder(theirs.address).processPreKeyBundle(await theirs.bundle(1, withOneTimePreKey));
    return { ours, theirs };
  }

  async function theirInitiatorSession(withOneTimePreKey = true) {
    const ours = new OurParty({ name: 'ours', deviceId: 1 }, withOneTimePreKey);
    const theirs = createLibsignalParty(libsignal, { name: 'theirs', deviceId: 2 });
    await theirs.processPreKeyBundle(ours.address, await ours.bundle(1));
    return { ours, theirs };
  }

  async function exchange(sender: ConversationPeer, receiver: ConversationPeer, label: string) {
    const plaintext = utf8ToBytes(label);
    expect(await receiver.decrypt(sender.address, await sender.encrypt(receiver.address, plaintext))).toEqual(plaintext);
  }

  it.each([true, false])('starts a session as initiator that libsignal accepts (one-time prekey: %s)', async (withOneTimePreKey) => {
    const { ours, theirs } = await ourInitiatorSession(withOneTimePreKey);
    const first = await ours.encrypt(theirs.address, utf8ToBytes('hello libsignal'));
    expect(first.type).toBe(CiphertextMessageType.PreKey);
    expect(await theirs.decrypt(ours.address, first)).toEqual(utf8ToBytes('hello libsignal'));
    await exchange(theirs, ours, 'reply');
    await exchange(ours, theirs, 'and back');
  });

  it.each([true, false])('accepts a session libsignal starts (one-time prekey: %s)', async (withOneTimePreKey) => {
    const { ours, theirs } = await theirInitiatorSession(withOneTimePreKey);
    await exchange(theirs, ours, 'hello ours');
    await exchange(ours, theirs, 'reply');
    await exchange(theirs, ours, 'and back');
  });

  it("parses libsignal's PreKeySignalMessage and re-encodes it byte for byte", async () => {
    const { ours, theirs } = await theirInitiatorSession();
    const message = await theirs.encrypt(ours.address, utf8ToBytes('bytes'));
    expect(message.type).toBe(CiphertextMessageType.PreKey);
    const parsed = parsePreKeySignalMessage(message.serialized);
    expect(parsed).toMatchObject({
      registrationId: theirs.registrationId,
      preKeyId: 1,
      signedPreKeyId: 1,
      kyberPreKeyId: 1,
      identityKey: theirs.identityPublicKey,
    });
    const { serialized, ...fields } = parsed;
    expect(createPreKeySignalMessage(fields).serialized).toEqual(serialized);
  });

  it.each([
    ['ours', 'libsignal'],
    ['libsignal', 'ours'],
  ])(
    'exchanges 1,000 messages each way, %s initiating with %s replying, interleaved and reordered',
    async (initiator) => {
      const seed = Math.floor(Math.random() * 2 ** 32);
      const { ours, theirs } = initiator === 'ours' ? await ourInitiatorSession() : await theirInitiatorSession();
      const [first, second] = initiator === 'ours' ? [ours, theirs] : [theirs, ours];
      const { outOfOrderDeliveries } = await runRandomConversation(first, second, MESSAGES_EACH_WAY, seededRandom(seed)).catch(
        (error: Error) => {
          throw new Error(`conversation with seed ${seed} failed: ${error.message}`);
        },
      );
      expect(outOfOrderDeliveries).toBeGreaterThan(MESSAGES_EACH_WAY / 4);
    },
    120_000,
  );

  it.each(['ours', 'libsignal'])(
    'exchanges 200 messages each way on the node:crypto backend, %s initiating',
    async (initiator) => {
      const ours = new OurParty({ name: 'ours', deviceId: 1 }, true, createNodeCryptoBackend());
      const theirs = createLibsignalParty(libsignal, { name: 'theirs', deviceId: 2 });
      if (initiator === 'ours') await ours.processPreKeyBundle(theirs.address, await theirs.bundle(1, true));
      else await theirs.processPreKeyBundle(ours.address, await ours.bundle(1));
      const [first, second] = initiator === 'ours' ? [ours, theirs] : [theirs, ours];
      const { outOfOrderDeliveries } = await runRandomConversation(first, second, 200, seededRandom(3));
      expect(outOfOrderDeliveries).toBeGreaterThan(0);
    },
    120_000,
  );

  it.each(['ours', 'libsignal'])(
    'delivers 1,500 skipped messages from %s after a later one',
    async (sender) => {
      const { ours, theirs } = await ourInitiatorSession();
      await exchange(ours, theirs, 'open');
      await exchange(theirs, ours, 'ack');
      const [from, to]: [ConversationPeer, ConversationPeer] = sender === 'ours' ? [ours, theirs] : [theirs, ours];
      const messages = [];
      for (let index = 0; index < 1_500; index++) messages.push(await from.encrypt(to.address, utf8ToBytes(`skipped ${index}`)));
      const random = seededRandom(7);
      const order = [...messages.keys()].reverse().sort(() => random() - 0.5);
      expect(await to.decrypt(from.address, messages[1_499]!)).toEqual(utf8ToBytes('skipped 1499'));
      for (const index of order.filter((index) => index !== 1_499)) {
        expect(await to.decrypt(from.address, messages[index]!)).toEqual(utf8ToBytes(`skipped ${index}`));
      }
    },
    120_000,
  );

  it('has both implementations reject tampered ciphertext and then read the genuine message', async () => {
    const { ours, theirs } = await ourInitiatorSession();
    await exchange(ours, theirs, 'open');
    await exchange(theirs, ours, 'ack');
    for (const [from, to] of [
      [ours, theirs],
      [theirs, ours],
    ] as [ConversationPeer, ConversationPeer][]) {
      const genuine = await from.encrypt(to.address, utf8ToBytes('genuine'));
      for (const offset of [genuine.serialized.length - 1, genuine.serialized.length - 20]) {
        const tampered = Uint8Array.from(genuine.serialized);
        tampered[offset]! ^= 0x01;
        await expect(to.decrypt(from.address, { ...genuine, serialized: tampered })).rejects.toThrow();
      }
      expect(await to.decrypt(from.address, genuine)).toEqual(utf8ToBytes('genuine'));
    }
    const ourRejection = ours.decrypt(theirs.address, {
      type: CiphertextMessageType.Whisper,
      serialized: flipLastByte((await theirs.encrypt(ours.address, utf8ToBytes('x'))).serialized),
    });
    await expect(ourRejection).rejects.toMatchObject({ code: SignalProtocolErrorCode.BadMac });
  });

  it('rejects a tampered PreKeySignalMessage on both sides', async () => {
    const ourSide = await ourInitiatorSession();
    const fromOurs = await ourSide.ours.encrypt(ourSide.theirs.address, utf8ToBytes('first'));
    await expect(
      ourSide.theirs.decrypt(ourSide.ours.address, { ...fromOurs, serialized: flipLastByte(fromOurs.serialized) }),
    ).rejects.toThrow();
    const theirSide = await theirInitiatorSession();
    const fromTheirs = await theirSide.theirs.encrypt(theirSide.ours.address, utf8ToBytes('first'));
    await expect(
      theirSide.ours.decrypt(theirSide.theirs.address, { ...fromTheirs, serialized: flipLastByte(fromTheirs.serialized) }),
    ).rejects.toMatchObject({
      code: SignalProtocolErrorCode.BadMac,
    });
    expect(await theirSide.ours.decrypt(theirSide.theirs.address, fromTheirs)).toEqual(utf8ToBytes('first'));
  });

  it.each(['ours', 'libsignal'])('recovers when %s starts a new session, still reading late messages of the old one', async (restarter) => {
    const { ours, theirs } = await ourInitiatorSession();
    await exchange(ours, theirs, 'open');
    await exchange(theirs, ours, 'ack');
    const [from, to] = restarter === 'ours' ? [ours, theirs] : [theirs, ours];
    const late = await from.encrypt(to.address, utf8ToBytes('late, old session'));
    await from.processPreKeyBundle(to.address, await to.bundle(2));
    const restart = await from.encrypt(to.address, utf8ToBytes('new session'));
    expect(restart.type).toBe(CiphertextMessageType.PreKey);
    expect(await to.decrypt(from.address, restart)).toEqual(utf8ToBytes('new session'));
    await exchange(to, from, 'reply on the new session');
    expect(await to.decrypt(from.address, late)).toEqual(utf8ToBytes('late, old session'));
    await exchange(from, to, 'still talking');
    await exchange(to, from, 'still talking back');
  });

  it.each([
    ['noble', nobleCryptoBackend],
    ['node', createNodeCryptoBackend()],
  ])('runs sessions over a Kyber-1024 key pair libsignal generates, in both roles (%s backend)', async (_name, crypto) => {
    const generated = libsignal.KEMKeyPair.generate();
    const publicKey = generated.getPublicKey().serialize();
    const secretKey = generated.getSecretKey().serialize();
    expect(kyberPublicKeyFromSecretKey(secretKey)).toEqual(publicKey);

    // libsignal decapsulates, with its key, what we encapsulated to it.
    const ours = new OurParty({ name: 'ours', deviceId: 1 }, true, crypto);
    const theirs = createLibsignalParty(libsignal, { name: 'theirs', deviceId: 2 });
    const theirBundle = await theirs.bundle(2);
    const theirSignature = theirs.storeKyberPreKey(9, publicKey, secretKey);
    await ours.processPreKeyBundle(theirs.address, {
      ...theirBundle,
      kyberPreKeyId: 9,
      kyberPreKey: publicKey,
      kyberPreKeySignature: theirSignature,
    });
    await exchange(ours, theirs, 'to the key libsignal made');

    // We decapsulate, with libsignal's key, what libsignal encapsulated to it.
    const ourResponder = new OurParty({ name: 'responder', deviceId: 1 }, true, crypto);
    const theirInitiator = createLibsignalParty(libsignal, { name: 'initiator', deviceId: 2 });
    const ourBundle = await ourResponder.bundle(3);
    const ourSignature = xeddsaSign((await ourResponder.store.getIdentityKeyPair()).privateKey, publicKey);
    await ourResponder.store.storeKyberPreKey({ id: 9, keyPair: { publicKey, secretKey }, signature: ourSignature, timestamp: Date.now() });
    await theirInitiator.processPreKeyBundle(ourResponder.address, {
      ...ourBundle,
      kyberPreKeyId: 9,
      kyberPreKey: publicKey,
      kyberPreKeySignature: ourSignature,
    });
    await exchange(theirInitiator, ourResponder, 'from libsignal, to its own key');
    expect(ourResponder.store.usedKyberPreKeys).toHaveLength(1);
  });
});

function flipLastByte(bytes: Uint8Array): Uint8Array {
  const flipped = Uint8Array.from(bytes);
  flipped[flipped.length - 1]! ^= 0x01;
  return flipped;
}
