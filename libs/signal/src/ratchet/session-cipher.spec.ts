import { describe, expect, it } from 'vitest';
import { runRandomConversation, seededRandom } from '../../test/support/conversation';
import { OurParty } from '../../test/support/our-party';
import { concatBytes, utf8ToBytes } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';
import { createNodeCryptoBackend } from '../crypto/node-crypto-backend';
import { createWebCryptoBackend } from '../crypto/web-crypto-backend';
import { CiphertextMessageType } from '../protocol/message-version';
import { createPreKeySignalMessage, parsePreKeySignalMessage } from '../protocol/pre-key-signal-message';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { MAX_RECEIVER_CHAINS, MAX_SKIPPED_MESSAGE_KEYS, MAX_UNACKNOWLEDGED_SESSION_AGE_MS } from './ratchet-limits';
import { type CiphertextMessage, SessionCipher } from './session-cipher';

const text = (value: string) => utf8ToBytes(value);
const decoded = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function establishedPair(withOneTimePreKey = true) {
  const alice = new OurParty({ name: 'alice', deviceId: 1 });
  const bob = new OurParty({ name: 'bob', deviceId: 2 }, withOneTimePreKey);
  await alice.builder(bob.address).processPreKeyBundle(await bob.bundle());
  return { alice, bob, aliceCipher: alice.cipher(bob.address), bobCipher: bob.cipher(alice.address) };
}

describe(SessionCipher.name, () => {
  it.each([true, false])('runs a conversation both ways (one-time prekey: %s)', async (withOneTimePreKey) => {
    const { aliceCipher, bobCipher, bob } = await establishedPair(withOneTimePreKey);
    const first = await aliceCipher.encrypt(text('hello bob'));
    expect(first.type).toBe(CiphertextMessageType.PreKey);
    expect(decoded(await bobCipher.decrypt(first))).toBe('hello bob');
    expect(await bob.store.loadPreKey(1)).toBeUndefined();
    expect(bob.store.usedKyberPreKeys).toHaveLength(1);

    const reply = await bobCipher.encrypt(text('hi alice'));
    expect(reply.type).toBe(CiphertextMessageType.Whisper);
    expect(decoded(await aliceCipher.decrypt(reply))).toBe('hi alice');

    const next = await aliceCipher.encrypt(text('after the reply'));
    expect(next.type).toBe(CiphertextMessageType.Whisper);
    expect(decoded(await bobCipher.decrypt(next))).toBe('after the reply');
  });

  it('keeps wrapping in PreKeySignalMessages until the first reply, and the responder accepts each', async () => {
    const { aliceCipher, bobCipher } = await establishedPair();
    const messages = [];
    for (let index = 0; index < 3; index++) messages.push(await aliceCipher.encrypt(text(`m${index}`)));
    expect(messages.every((message) => message.type === CiphertextMessageType.PreKey)).toBe(true);
    for (const index of [2, 0, 1]) expect(decoded(await bobCipher.decrypt(messages[index]!))).toBe(`m${index}`);
  });

  it('decrypts out-of-order messages across several ratchet steps', async () => {
    const { aliceCipher, bobCipher } = await establishedPair();
    await bobCipher.decrypt(await aliceCipher.encrypt(text('start')));
    await aliceCipher.decrypt(await bobCipher.encrypt(text('ack')));
    const held: CiphertextMessage[] = [];
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 4; index++) held.push(await aliceCipher.encrypt(text(`r${round}m${index}`)));
      await aliceCipher.decrypt(await bobCipher.encrypt(text(`bob ${round}`)));
      await bobCipher.decrypt(held.pop()!);
      await aliceCipher.decrypt(await bobCipher.encrypt(text(`bob again ${round}`)));
    }
    for (const message of held.reverse()) expect(decoded(await bobCipher.decrypt(message))).toMatch(/^r\dm\d$/);
  });

  it('rejects a replayed message as a duplicate', async () => {
    const { aliceCipher, bobCipher } = await establishedPair();
    await bobCipher.decrypt(await aliceCipher.encrypt(text('start')));
    await aliceCipher.decrypt(await bobCipher.encrypt(text('ack')));
    const message = await aliceCipher.encrypt(text('once'));
    await bobCipher.decrypt(message);
    await expect(bobCipher.decrypt(message)).rejects.toMatchObject({ code: SignalProtocolErrorCode.DuplicateMessage });
  });

  it('rejects a tampered message with BAD_MAC and still decrypts the genuine one', async () => {
    const { aliceCipher, bobCipher } = await establishedPair();
    await bobCipher.decrypt(await aliceCipher.encrypt(text('start')));
    await aliceCipher.decrypt(await bobCipher.encrypt(text('ack')));
    const message = await aliceCipher.encrypt(text('genuine'));
    const tampered = Uint8Array.from(message.serialized);
    tampered[tampered.length - 12]! ^= 1;
    await expect(bobCipher.decryptSignalMessage(tampered)).rejects.toMatchObject({ code: SignalProtocolErrorCode.BadMac });
    expect(decoded(await bobCipher.decrypt(message))).toBe('genuine');
  });

  it('rejects a message too far ahead of its chain as BAD_MAC, as libsignal does, saying why', async () => {
    const { aliceCipher, bobCipher, alice } = await establishedPair();
    await bobCipher.decrypt(await aliceCipher.encrypt(text('start')));
    await aliceCipher.decrypt(await bobCipher.encrypt(text('ack')));
    const record = (await alice.store.loadSession({ name: 'bob', deviceId: 2 }))!;
    record.currentState!.senderChain.index = 25_002;
    await alice.store.storeSession({ name: 'bob', deviceId: 2 }, record);
    await expect(bobCipher.decrypt(await aliceCipher.encrypt(text('far')))).rejects.toMatchObject({
      code: SignalProtocolErrorCode.BadMac,
      message: expect.stringContaining('ahead of its chain'),
    });
  });

  it('refuses a bundle whose signed prekey signature does not verify', async () => {
    const alice = new OurParty({ name: 'alice', deviceId: 1 });
    const bob = new OurParty({ name: 'bob', deviceId: 2 });
    const bundle = await bob.bundle();
    bundle.signedPreKeySignature[5]! ^= 1;
    await expect(alice.builder(bob.address).processPreKeyBundle(bundle)).rejects.toMatchObject({
      code: SignalProtocolErrorCode.InvalidSignature,
    });
  });

  it('refuses a bundle whose Kyber prekey signature does not verify', async () => {
    const alice = new OurParty({ name: 'alice', deviceId: 1 });
    const bob = new OurParty({ name: 'bob', deviceId: 2 });
    const bundle = await bob.bundle();
    bundle.kyberPreKey = (await bob.bundle(2)).kyberPreKey;
    await expect(alice.builder(bob.address).processPreKeyBundle(bundle)).rejects.toMatchObject({
      code: SignalProtocolErrorCode.InvalidSignature,
    });
  });

  it('reports a missing one-time prekey as UNKNOWN_PREKEY', async () => {
    const { aliceCipher, bobCipher, bob } = await establishedPair();
    await bob.store.removePreKey(1);
    await expect(bobCipher.decrypt(await aliceCipher.encrypt(text('hello')))).rejects.toMatchObject({
      code: SignalProtocolErrorCode.UnknownPreKey,
    });
  });

  it('refuses a changed identity key as UNTRUSTED_IDENTITY', async () => {
    const { alice, bob } = await establishedPair();
    const impostor = new OurParty(bob.address);
    await expect(alice.builder(bob.address).processPreKeyBundle(await impostor.bundle())).rejects.toMatchObject({
      code: SignalProtocolErrorCode.UntrustedIdentity,
    });
  });

  it('stops sending PreKeySignalMessages 30 days after the bundle, with NO_SESSION, until a fresh bundle', async () => {
    const { alice, aliceCipher, bob } = await establishedPair();
    const createdAt = alice.clock.now;
    alice.clock.now = createdAt + MAX_UNACKNOWLEDGED_SESSION_AGE_MS;
    expect((await aliceCipher.encrypt(text('on the last day'))).type).toBe(CiphertextMessageType.PreKey);
    alice.clock.now += 1;
    await expect(aliceCipher.encrypt(text('too late'))).rejects.toMatchObject({
      code: SignalProtocolErrorCode.NoSession,
      message: expect.stringContaining('fetch a fresh prekey bundle'),
    });
    await alice.builder(bob.address).processPreKeyBundle(await bob.bundle(2));
    expect(decoded(await bob.cipher(alice.address).decrypt(await aliceCipher.encrypt(text('fresh'))))).toBe('fresh');
  });

  it('never expires a session once the peer has answered', async () => {
    const { alice, aliceCipher, bobCipher } = await establishedPair();
    await bobCipher.decrypt(await aliceCipher.encrypt(text('start')));
    await aliceCipher.decrypt(await bobCipher.encrypt(text('ack')));
    alice.clock.now += 10 * MAX_UNACKNOWLEDGED_SESSION_AGE_MS;
    expect((await aliceCipher.encrypt(text('years later'))).type).toBe(CiphertextMessageType.Whisper);
  });

  it('reports encrypting without a session as NO_SESSION', async () => {
    const alice = new OurParty({ name: 'alice', deviceId: 1 });
    await expect(alice.cipher({ name: 'nobody', deviceId: 1 }).encrypt(text('x'))).rejects.toMatchObject({
      code: SignalProtocolErrorCode.NoSession,
    });
  });

  it('switches to a new session when the peer starts over, and still reads late messages of the old one', async () => {
    const { alice, aliceCipher, bobCipher, bob } = await establishedPair();
    await bobCipher.decrypt(await aliceCipher.encrypt(text('start')));
    await aliceCipher.decrypt(await bobCipher.encrypt(text('ack')));
    const late = await aliceCipher.encrypt(text('late, old session'));
    await alice.builder(bob.address).processPreKeyBundle(await bob.bundle(7));
    expect(decoded(await bobCipher.decrypt(await aliceCipher.encrypt(text('new session'))))).toBe('new session');
    expect(decoded(await bobCipher.decrypt(late))).toBe('late, old session');
    expect(decoded(await bobCipher.decrypt(await aliceCipher.encrypt(text('still new'))))).toBe('still new');
  });

  it.each([
    ['small-order', new Uint8Array(32)],
    ['non-canonical', Uint8Array.of(0xee, ...new Uint8Array(30).fill(0xff), 0x7f)],
  ])('rejects a %s base key as INVALID_KEY', async (_, rawBaseKey) => {
    const { aliceCipher, bobCipher } = await establishedPair();
    const { serialized, ...fields } = parsePreKeySignalMessage((await aliceCipher.encrypt(text('hello'))).serialized);
    const forged = createPreKeySignalMessage({ ...fields, baseKey: concatBytes(Uint8Array.of(0x05), rawBaseKey) });
    expect(forged.serialized).not.toEqual(serialized);
    await expect(bobCipher.decryptPreKeySignalMessage(forged.serialized)).rejects.toMatchObject({
      code: SignalProtocolErrorCode.InvalidKey,
    });
  });

  it(`drops the oldest skipped keys beyond ${MAX_SKIPPED_MESSAGE_KEYS} per chain`, async () => {
    const { aliceCipher, bobCipher } = await establishedPair();
    await bobCipher.decrypt(await aliceCipher.encrypt(text('start')));
    await aliceCipher.decrypt(await bobCipher.encrypt(text('ack')));
    const messages = [];
    for (let index = 0; index < MAX_SKIPPED_MESSAGE_KEYS + 2; index++) messages.push(await aliceCipher.encrypt(text(`m${index}`)));
    await bobCipher.decrypt(messages.at(-1)!);
    await expect(bobCipher.decrypt(messages[0]!)).rejects.toMatchObject({ code: SignalProtocolErrorCode.DuplicateMessage });
    expect(decoded(await bobCipher.decrypt(messages[1]!))).toBe('m1');
  }, 60_000);

  it(`reads late messages from the last ${MAX_RECEIVER_CHAINS} receiver chains only`, async () => {
    const { aliceCipher, bobCipher } = await establishedPair();
    await bobCipher.decrypt(await aliceCipher.encrypt(text('start')));
    const late = [];
    for (let turn = 0; turn <= MAX_RECEIVER_CHAINS; turn++) {
      await aliceCipher.decrypt(await bobCipher.encrypt(text(`bob ${turn}`)));
      late.push(await aliceCipher.encrypt(text(`late ${turn}`)));
      await bobCipher.decrypt(await aliceCipher.encrypt(text(`on time ${turn}`)));
    }
    await expect(bobCipher.decrypt(late[0]!)).rejects.toMatchObject({ code: SignalProtocolErrorCode.BadMac });
    for (const [turn, message] of late.entries()) {
      if (turn > 0) expect(decoded(await bobCipher.decrypt(message))).toBe(`late ${turn}`);
    }
  });

  it.each<[string, CryptoBackend]>([
    ['WebCrypto', createWebCryptoBackend()],
    ['node:crypto', createNodeCryptoBackend()],
  ])('interoperates across crypto backends: noble on one side, %s on the other', async (_name, crypto) => {
    const alice = new OurParty({ name: 'alice', deviceId: 1 });
    const bob = new OurParty({ name: 'bob', deviceId: 2 }, true, crypto);
    await alice.processPreKeyBundle(bob.address, await bob.bundle());
    const { outOfOrderDeliveries } = await runRandomConversation(alice, bob, 100, seededRandom(1));
    expect(outOfOrderDeliveries).toBeGreaterThan(0);
  });
});
