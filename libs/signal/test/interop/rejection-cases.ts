import { concatBytes, randomBytes, utf8ToBytes } from '../../src/crypto/bytes';
import { createNodeCryptoBackend } from '../../src/crypto/node-crypto-backend';
import { generateCurveKeyPair } from '../../src/keys/curve-key-pair';
import { xeddsaSign } from '../../src/keys/xeddsa';
import { CiphertextMessageType } from '../../src/protocol/message-version';
import { createPreKeySignalMessage, type PreKeySignalMessage, parsePreKeySignalMessage } from '../../src/protocol/pre-key-signal-message';
import { ProtobufWriter } from '../../src/protocol/protobuf-writer';
import type { PreKeyBundle } from '../../src/pqxdh/pre-key-bundle';
import type { CiphertextMessage } from '../../src/ratchet/session-cipher';
import type { ProtocolAddress } from '../../src/stores/protocol-address';
import type { ConversationPeer } from '../support/conversation';
import { OurParty } from '../support/our-party';
import { createLibsignalParty } from './libsignal-party';
import type { Libsignal } from './load-libsignal';

export type Implementation = 'ours' | 'libsignal';

export interface Peer extends ConversationPeer {
  bundle(id: number): Promise<PreKeyBundle>;
  processPreKeyBundle(remote: ProtocolAddress, bundle: PreKeyBundle): Promise<void>;
  /** Encrypts with the peer's clock set to `now`. */
  encryptAt(remote: ProtocolAddress, plaintext: Uint8Array, now: number): Promise<CiphertextMessage>;
}

/** Makes peers of either implementation; ours run on the node backend, as Node clients do. */
export class Peers {
  private count = 0;
  private readonly crypto = createNodeCryptoBackend();

  constructor(private readonly libsignal: Libsignal) {}

  create(implementation: Implementation, name = `peer-${++this.count}`): Peer {
    const address = { name, deviceId: 1 };
    if (implementation === 'ours') {
      const party = new OurParty(address, true, this.crypto);
      return Object.assign(party, {
        encryptAt: (remote: ProtocolAddress, plaintext: Uint8Array, now: number) => {
          party.clock.now = now;
          return party.encrypt(remote, plaintext);
        },
      });
    }
    const party = createLibsignalParty(this.libsignal, address);
    return {
      ...party,
      bundle: (id: number) => party.bundle(id, true),
      encryptAt: (remote, plaintext, now) => party.encrypt(remote, plaintext, new Date(now)),
    };
  }
}

/** One way to get a message, bundle or call rejected. `run` performs the rejected step on `receiver`. */
export interface RejectionCase {
  name: string;
  /** Who creates the message or bundle that the implementation under test receives. */
  senders: Implementation[];
  run(peers: Peers, receiver: Implementation, sender: Implementation): Promise<unknown>;
}

const text = (value: string) => utf8ToBytes(value);

export async function freshSession(peers: Peers, receiverImplementation: Implementation, senderImplementation: Implementation) {
  const receiver = peers.create(receiverImplementation);
  const sender = peers.create(senderImplementation);
  await sender.processPreKeyBundle(receiver.address, await receiver.bundle(1));
  return { receiver, sender };
}

export async function establishedSession(peers: Peers, receiverImplementation: Implementation, senderImplementation: Implementation) {
  const { receiver, sender } = await freshSession(peers, receiverImplementation, senderImplementation);
  await receiver.decrypt(sender.address, await sender.encrypt(receiver.address, text('open')));
  await sender.decrypt(receiver.address, await receiver.encrypt(sender.address, text('ack')));
  return { receiver, sender };
}

function flipBit(bytes: Uint8Array, offset: number): Uint8Array {
  const flipped = Uint8Array.from(bytes);
  flipped[(offset + bytes.length) % bytes.length]! ^= 0x01;
  return flipped;
}

const whisper = (serialized: Uint8Array): CiphertextMessage => ({ type: CiphertextMessageType.Whisper, serialized });
const preKey = (serialized: Uint8Array): CiphertextMessage => ({ type: CiphertextMessageType.PreKey, serialized });
const withVersion = (bytes: Uint8Array, versionByte: number) => concatBytes(Uint8Array.of(versionByte), bytes.subarray(1));
const BOTH: Implementation[] = ['ours', 'libsignal'];

/** A SignalMessage with the given protobuf body and a made-up MAC. */
function forgedSignalMessage(body: ProtobufWriter): Uint8Array {
  return concatBytes(Uint8Array.of(0x44), body.finish(), randomBytes(8));
}

/** Cases on an established session: the receiver gets a mangled SignalMessage. */
function signalMessageCase(name: string, mangle: (genuine: Uint8Array) => Uint8Array): RejectionCase {
  return {
    name: `SignalMessage: ${name}`,
    senders: BOTH,
    async run(peers, receiverImplementation, senderImplementation) {
      const { receiver, sender } = await establishedSession(peers, receiverImplementation, senderImplementation);
      const genuine = await sender.encrypt(receiver.address, text('genuine'));
      return receiver.decrypt(sender.address, whisper(mangle(genuine.serialized)));
    },
  };
}

/** Cases on a fresh session: the responder gets a mangled PreKeySignalMessage. */
function preKeyMessageCase(name: string, mangle: (genuine: Uint8Array) => Uint8Array): RejectionCase {
  return {
    name: `PreKeySignalMessage: ${name}`,
    senders: BOTH,
    async run(peers, receiverImplementation, senderImplementation) {
      const { receiver, sender } = await freshSession(peers, receiverImplementation, senderImplementation);
      const genuine = await sender.encrypt(receiver.address, text('genuine'));
      return receiver.decrypt(sender.address, preKey(mangle(genuine.serialized)));
    },
  };
}

/** Re-encodes a PreKeySignalMessage with some fields changed. */
function preKeyFieldCase(
  name: string,
  change: (fields: Omit<PreKeySignalMessage, 'serialized'>) => Omit<PreKeySignalMessage, 'serialized'>,
) {
  return preKeyMessageCase(name, (genuine) => {
    // createPreKeySignalMessage encodes the changed fields afresh; the parsed bytes are ignored.
    return createPreKeySignalMessage(change(parsePreKeySignalMessage(genuine))).serialized;
  });
}

/** Re-encodes a PreKeySignalMessage, leaving out the fields named. */
function preKeyWithoutFields(name: string, missing: number[]) {
  return preKeyMessageCase(name, (genuine) => {
    const message = parsePreKeySignalMessage(genuine);
    const writer = new ProtobufWriter();
    const fields: [number, number | Uint8Array | undefined][] = [
      [1, message.preKeyId],
      [2, message.baseKey],
      [3, message.identityKey],
      [4, message.message.serialized],
      [5, message.registrationId],
      [6, message.signedPreKeyId],
      [7, message.kyberPreKeyId],
      [8, message.kyberCiphertext],
    ];
    for (const [field, value] of fields) {
      if (missing.includes(field) || value === undefined) continue;
      if (typeof value === 'number') writer.uint32(field, value);
      else writer.bytes(field, value);
    }
    return concatBytes(Uint8Array.of(0x44), writer.finish());
  });
}

/** Cases where the initiator processes a bundle with one thing wrong. */
function bundleCase(
  name: string,
  change: (bundle: PreKeyBundle, signer: OurParty) => Promise<PreKeyBundle> | PreKeyBundle,
  senders = BOTH,
): RejectionCase {
  return {
    name: `bundle: ${name}`,
    senders,
    async run(peers, initiatorImplementation, responderImplementation) {
      const initiator = peers.create(initiatorImplementation);
      const responder = peers.create(responderImplementation);
      const bundle = await responder.bundle(1);
      return initiator.processPreKeyBundle(responder.address, await change(bundle, responder as unknown as OurParty));
    },
  };
}

const curveKey = (raw: Uint8Array) => concatBytes(Uint8Array.of(0x05), raw);
const SMALL_ORDER_KEYS: [string, Uint8Array][] = [
  ['u = 0', new Uint8Array(32)],
  ['u = 1', Uint8Array.of(1, ...new Uint8Array(31))],
  ['u = p − 1 (order 2)', Uint8Array.of(0xec, ...new Uint8Array(30).fill(0xff), 0x7f)],
];

/** Signs a replacement key with the responder's own identity, so only the key itself is wrong. */
async function signedBy(signer: OurParty, key: Uint8Array): Promise<Uint8Array> {
  return xeddsaSign((await signer.store.getIdentityKeyPair()).privateKey, key);
}

export function rejectionCases(): RejectionCase[] {
  const signalMessageCases: RejectionCase[] = [
    signalMessageCase('empty', () => new Uint8Array(0)),
    signalMessageCase('only the version byte', (genuine) => genuine.subarray(0, 1)),
    signalMessageCase('version 3 (X3DH)', (genuine) => withVersion(genuine, 0x33)),
    signalMessageCase('version 2', (genuine) => withVersion(genuine, 0x22)),
    signalMessageCase('version 5', (genuine) => withVersion(genuine, 0x55)),
    signalMessageCase('version 4 claiming current version 3', (genuine) => withVersion(genuine, 0x43)),
    signalMessageCase('version 15', (genuine) => withVersion(genuine, 0xff)),
    signalMessageCase('truncated to 9 bytes', (genuine) => genuine.subarray(0, 9)),
    signalMessageCase('truncated to half', (genuine) => genuine.subarray(0, genuine.length >> 1)),
    signalMessageCase('last MAC byte dropped', (genuine) => genuine.subarray(0, -1)),
    signalMessageCase('MAC dropped', (genuine) => genuine.subarray(0, -8)),
    signalMessageCase('MAC bit flipped', (genuine) => flipBit(genuine, -1)),
    signalMessageCase('first MAC byte flipped', (genuine) => flipBit(genuine, -8)),
    signalMessageCase('ciphertext bit flipped', (genuine) => flipBit(genuine, -20)),
    signalMessageCase('ratchet key bit flipped', (genuine) => flipBit(genuine, 10)),
    signalMessageCase('counter changed', (genuine) => flipBit(genuine, 37)),
    signalMessageCase('one byte appended', (genuine) => concatBytes(genuine, Uint8Array.of(0))),
    signalMessageCase('random bytes after the version', (genuine) => withVersion(randomBytes(genuine.length), 0x44)),
    signalMessageCase('no ratchet key', () =>
      forgedSignalMessage(new ProtobufWriter().uint32(2, 0).uint32(3, 0).bytes(4, randomBytes(16))),
    ),
    signalMessageCase('no counter', () =>
      forgedSignalMessage(new ProtobufWriter().bytes(1, generateCurveKeyPair().publicKey).uint32(3, 0).bytes(4, randomBytes(16))),
    ),
    signalMessageCase('no ciphertext', () =>
      forgedSignalMessage(new ProtobufWriter().bytes(1, generateCurveKeyPair().publicKey).uint32(2, 0).uint32(3, 0)),
    ),
    signalMessageCase('ratchet key with type byte 0x06', () =>
      forgedSignalMessage(
        new ProtobufWriter()
          .bytes(1, withVersion(generateCurveKeyPair().publicKey, 0x06))
          .uint32(2, 0)
          .uint32(3, 0)
          .bytes(4, randomBytes(16)),
      ),
    ),
    signalMessageCase('ratchet key without its type byte', () =>
      forgedSignalMessage(
        new ProtobufWriter().bytes(1, generateCurveKeyPair().publicKey.subarray(1)).uint32(2, 0).uint32(3, 0).bytes(4, randomBytes(16)),
      ),
    ),
    signalMessageCase('unknown ratchet key, made-up MAC', () =>
      forgedSignalMessage(
        new ProtobufWriter().bytes(1, generateCurveKeyPair().publicKey).uint32(2, 0).uint32(3, 0).bytes(4, randomBytes(32)),
      ),
    ),
    signalMessageCase('small-order ratchet key', () =>
      forgedSignalMessage(
        new ProtobufWriter()
          .bytes(1, curveKey(new Uint8Array(32)))
          .uint32(2, 0)
          .uint32(3, 0)
          .bytes(4, randomBytes(32)),
      ),
    ),
    {
      name: 'SignalMessage: replayed',
      senders: BOTH,
      async run(peers, receiverImplementation, senderImplementation) {
        const { receiver, sender } = await establishedSession(peers, receiverImplementation, senderImplementation);
        const message = await sender.encrypt(receiver.address, text('once'));
        await receiver.decrypt(sender.address, message);
        return receiver.decrypt(sender.address, message);
      },
    },
    {
      name: 'SignalMessage: replayed after a later one',
      senders: BOTH,
      async run(peers, receiverImplementation, senderImplementation) {
        const { receiver, sender } = await establishedSession(peers, receiverImplementation, senderImplementation);
        const first = await sender.encrypt(receiver.address, text('first'));
        await receiver.decrypt(sender.address, first);
        await receiver.decrypt(sender.address, await sender.encrypt(receiver.address, text('second')));
        return receiver.decrypt(sender.address, first);
      },
    },
    {
      name: 'SignalMessage: more than 25,000 ahead of its chain',
      // Only our sender's chain index can be moved forward without sending 25,000 messages.
      senders: ['ours'],
      async run(peers, receiverImplementation) {
        const { receiver, sender } = await establishedSession(peers, receiverImplementation, 'ours');
        const ourSender = sender as unknown as OurParty;
        const record = (await ourSender.store.loadSession(receiver.address))!;
        record.currentState!.senderChain.index = 25_002;
        await ourSender.store.storeSession(receiver.address, record);
        return receiver.decrypt(sender.address, await sender.encrypt(receiver.address, text('far')));
      },
    },
    {
      name: 'SignalMessage: from a chain older than the 5 kept',
      senders: BOTH,
      async run(peers, receiverImplementation, senderImplementation) {
        const { receiver, sender } = await establishedSession(peers, receiverImplementation, senderImplementation);
        const late = await sender.encrypt(receiver.address, text('late'));
        for (let turn = 0; turn <= 5; turn++) {
          await receiver.decrypt(sender.address, await sender.encrypt(receiver.address, text(`on time ${turn}`)));
          await sender.decrypt(receiver.address, await receiver.encrypt(sender.address, text(`reply ${turn}`)));
        }
        return receiver.decrypt(sender.address, late);
      },
    },
    {
      name: 'SignalMessage: without any session',
      senders: BOTH,
      async run(peers, receiverImplementation, senderImplementation) {
        const { receiver, sender } = await establishedSession(peers, receiverImplementation, senderImplementation);
        const stranger = peers.create(receiverImplementation);
        return stranger.decrypt(sender.address, await sender.encrypt(receiver.address, text('misdirected')));
      },
    },
    {
      name: 'SignalMessage: to a responder that never saw the PreKeySignalMessage',
      senders: BOTH,
      async run(peers, receiverImplementation, senderImplementation) {
        const { receiver, sender } = await freshSession(peers, receiverImplementation, senderImplementation);
        const first = await sender.encrypt(receiver.address, text('first'));
        const inner = parsePreKeySignalMessage(first.serialized).message.serialized;
        return receiver.decrypt(sender.address, whisper(inner));
      },
    },
  ];

  const preKeyMessageCases: RejectionCase[] = [
    preKeyMessageCase('empty', () => new Uint8Array(0)),
    preKeyMessageCase('only the version byte', (genuine) => genuine.subarray(0, 1)),
    preKeyMessageCase('version 3 (X3DH)', (genuine) => withVersion(genuine, 0x33)),
    preKeyMessageCase('version 2', (genuine) => withVersion(genuine, 0x22)),
    preKeyMessageCase('version 5', (genuine) => withVersion(genuine, 0x55)),
    preKeyMessageCase('truncated to half', (genuine) => genuine.subarray(0, genuine.length >> 1)),
    preKeyMessageCase('last byte dropped', (genuine) => genuine.subarray(0, -1)),
    preKeyMessageCase('random bytes after the version', (genuine) => withVersion(randomBytes(genuine.length), 0x44)),
    preKeyFieldCase('inner MAC bit flipped', (fields) => ({
      ...fields,
      message: { ...fields.message, serialized: flipBit(fields.message.serialized, -1) },
    })),
    preKeyFieldCase('inner ciphertext bit flipped', (fields) => ({
      ...fields,
      message: { ...fields.message, serialized: flipBit(fields.message.serialized, -20) },
    })),
    preKeyFieldCase('inner message truncated', (fields) => ({
      ...fields,
      message: { ...fields.message, serialized: fields.message.serialized.subarray(0, 20) },
    })),
    preKeyFieldCase('inner message of version 3', (fields) => ({
      ...fields,
      message: { ...fields.message, serialized: withVersion(fields.message.serialized, 0x33) },
    })),
    preKeyFieldCase('Kyber ciphertext bit flipped', (fields) => ({ ...fields, kyberCiphertext: flipBit(fields.kyberCiphertext, 500) })),
    preKeyFieldCase('Kyber ciphertext truncated', (fields) => ({ ...fields, kyberCiphertext: fields.kyberCiphertext.subarray(0, -1) })),
    preKeyFieldCase('Kyber ciphertext with type byte 0x05', (fields) => ({
      ...fields,
      kyberCiphertext: withVersion(fields.kyberCiphertext, 0x05),
    })),
    preKeyFieldCase('unknown one-time prekey ID', (fields) => ({ ...fields, preKeyId: 77 })),
    preKeyFieldCase('unknown signed prekey ID', (fields) => ({ ...fields, signedPreKeyId: 77 })),
    preKeyFieldCase('unknown Kyber prekey ID', (fields) => ({ ...fields, kyberPreKeyId: 77 })),
    preKeyFieldCase('one-time prekey ID left out', ({ preKeyId: _preKeyId, ...fields }) => fields),
    preKeyFieldCase('another valid base key', (fields) => ({ ...fields, baseKey: generateCurveKeyPair().publicKey })),
    preKeyFieldCase("another valid identity key (the sender's unknown)", (fields) => ({
      ...fields,
      identityKey: generateCurveKeyPair().publicKey,
    })),
    preKeyFieldCase('registration ID changed', (fields) => ({ ...fields, registrationId: fields.registrationId ^ 1 })),
    ...SMALL_ORDER_KEYS.map(([name, key]) =>
      preKeyFieldCase(`base key of small order (${name})`, (fields) => ({ ...fields, baseKey: curveKey(key) })),
    ),
    preKeyFieldCase('non-canonical base key (p + 9)', (fields) => ({
      ...fields,
      baseKey: curveKey(Uint8Array.of(0xf6, ...new Uint8Array(30).fill(0xff), 0x7f)),
    })),
    preKeyFieldCase('base key with bit 255 set', (fields) => {
      const baseKey = Uint8Array.from(fields.baseKey);
      baseKey[32]! |= 0x80;
      return { ...fields, baseKey };
    }),
    preKeyFieldCase('base key with type byte 0x06', (fields) => ({ ...fields, baseKey: withVersion(fields.baseKey, 0x06) })),
    preKeyFieldCase('identity key with type byte 0x06', (fields) => ({ ...fields, identityKey: withVersion(fields.identityKey, 0x06) })),
    preKeyFieldCase('identity key without its type byte', (fields) => ({ ...fields, identityKey: fields.identityKey.subarray(1) })),
    preKeyWithoutFields('no Kyber prekey ID or ciphertext (an X3DH message)', [7, 8]),
    preKeyWithoutFields('no Kyber ciphertext', [8]),
    preKeyWithoutFields('no signed prekey ID', [6]),
    preKeyWithoutFields('no base key', [2]),
    preKeyWithoutFields('no identity key', [3]),
    preKeyWithoutFields('no inner message', [4]),
    {
      name: 'PreKeySignalMessage: replayed',
      senders: BOTH,
      async run(peers, receiverImplementation, senderImplementation) {
        const { receiver, sender } = await freshSession(peers, receiverImplementation, senderImplementation);
        const message = await sender.encrypt(receiver.address, text('once'));
        await receiver.decrypt(sender.address, message);
        return receiver.decrypt(sender.address, message);
      },
    },
    {
      name: 'PreKeySignalMessage: one-time prekey already used by another sender',
      senders: BOTH,
      async run(peers, receiverImplementation, senderImplementation) {
        const receiver = peers.create(receiverImplementation);
        const bundle = await receiver.bundle(1);
        const first = peers.create(senderImplementation);
        const second = peers.create(senderImplementation);
        await first.processPreKeyBundle(receiver.address, bundle);
        await second.processPreKeyBundle(receiver.address, bundle);
        await receiver.decrypt(first.address, await first.encrypt(receiver.address, text('first')));
        return receiver.decrypt(second.address, await second.encrypt(receiver.address, text('second')));
      },
    },
    {
      name: 'PreKeySignalMessage: a changed identity for a known address',
      senders: BOTH,
      async run(peers, receiverImplementation, senderImplementation) {
        const receiver = peers.create(receiverImplementation);
        const original = peers.create(senderImplementation, 'same-name');
        await original.processPreKeyBundle(receiver.address, await receiver.bundle(1));
        await receiver.decrypt(original.address, await original.encrypt(receiver.address, text('original')));
        const impostor = peers.create(senderImplementation, 'same-name');
        await impostor.processPreKeyBundle(receiver.address, await receiver.bundle(2));
        return receiver.decrypt(impostor.address, await impostor.encrypt(receiver.address, text('impostor')));
      },
    },
  ];

  const flipSignature = (signature: Uint8Array) => flipBit(signature, 5);
  const bundleCases: RejectionCase[] = [
    bundleCase('signed prekey signature bit flipped', (bundle) => ({
      ...bundle,
      signedPreKeySignature: flipSignature(bundle.signedPreKeySignature),
    })),
    bundleCase('Kyber prekey signature bit flipped', (bundle) => ({
      ...bundle,
      kyberPreKeySignature: flipSignature(bundle.kyberPreKeySignature),
    })),
    bundleCase('signed prekey signature sign bit flipped', (bundle) => {
      const signedPreKeySignature = Uint8Array.from(bundle.signedPreKeySignature);
      signedPreKeySignature[63]! ^= 0x80;
      return { ...bundle, signedPreKeySignature };
    }),
    bundleCase('signed prekey signature truncated', (bundle) => ({
      ...bundle,
      signedPreKeySignature: bundle.signedPreKeySignature.subarray(0, 63),
    })),
    bundleCase('signed prekey signature all zeros', (bundle) => ({ ...bundle, signedPreKeySignature: new Uint8Array(64) })),
    bundleCase('signed prekey replaced', (bundle) => ({ ...bundle, signedPreKey: generateCurveKeyPair().publicKey })),
    bundleCase('identity key replaced', (bundle) => ({ ...bundle, identityKey: generateCurveKeyPair().publicKey })),
    bundleCase('signed prekey with type byte 0x06', (bundle) => ({ ...bundle, signedPreKey: withVersion(bundle.signedPreKey, 0x06) })),
    bundleCase('identity key with type byte 0x06', (bundle) => ({ ...bundle, identityKey: withVersion(bundle.identityKey, 0x06) })),
    bundleCase('one-time prekey with type byte 0x06', (bundle) => ({ ...bundle, preKey: withVersion(bundle.preKey!, 0x06) })),
    bundleCase('Kyber prekey truncated', (bundle) => ({ ...bundle, kyberPreKey: bundle.kyberPreKey.subarray(0, -1) })),
    bundleCase('Kyber prekey with type byte 0x05', (bundle) => ({ ...bundle, kyberPreKey: withVersion(bundle.kyberPreKey, 0x05) })),
    // Small-order keys, properly signed: only our responder's identity can sign them here.
    ...SMALL_ORDER_KEYS.map(([name, key]) =>
      bundleCase(
        `signed prekey of small order (${name}), validly signed`,
        async (bundle, signer) => ({
          ...bundle,
          signedPreKey: curveKey(key),
          signedPreKeySignature: await signedBy(signer, curveKey(key)),
        }),
        ['ours'],
      ),
    ),
    ...SMALL_ORDER_KEYS.map(([name, key]) =>
      bundleCase(`one-time prekey of small order (${name})`, (bundle) => ({ ...bundle, preKey: curveKey(key) })),
    ),
    {
      name: 'bundle: a changed identity for a known address',
      senders: BOTH,
      async run(peers, initiatorImplementation, responderImplementation) {
        const initiator = peers.create(initiatorImplementation);
        const responder = peers.create(responderImplementation, 'same-name');
        await initiator.processPreKeyBundle(responder.address, await responder.bundle(1));
        const impostor = peers.create(responderImplementation, 'same-name');
        return initiator.processPreKeyBundle(impostor.address, await impostor.bundle(1));
      },
    },
  ];

  const encryptCases: RejectionCase[] = [
    {
      name: 'encrypt: without a session',
      senders: BOTH,
      async run(peers, implementation) {
        const lonely = peers.create(implementation);
        return lonely.encrypt({ name: 'nobody', deviceId: 1 }, text('hello?'));
      },
    },
    {
      name: 'encrypt: on a session unanswered for 30 days and 1 ms',
      senders: BOTH,
      async run(peers, implementation, responderImplementation) {
        const initiator = peers.create(implementation);
        const responder = peers.create(responderImplementation);
        const started = Date.now();
        await initiator.processPreKeyBundle(responder.address, await responder.bundle(1));
        return initiator.encryptAt(responder.address, text('late'), started + 30 * 24 * 60 * 60 * 1000 + 60_000);
      },
    },
  ];

  return [...signalMessageCases, ...preKeyMessageCases, ...bundleCases, ...encryptCases];
}
