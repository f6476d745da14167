import type {
  KyberPreKeyRecord as TheirKyberPreKeyRecord,
  PreKeyRecord as TheirPreKeyRecord,
  ProtocolAddress as TheirProtocolAddress,
  PublicKey,
  SessionRecord,
  SignedPreKeyRecord,
} from '@signalapp/libsignal-client';
import { concatBytes } from '../../src/crypto/bytes';
import { CiphertextMessageType } from '../../src/protocol/message-version';
import { ProtobufWriter } from '../../src/protocol/protobuf-writer';
import type { PreKeyBundle } from '../../src/pqxdh/pre-key-bundle';
import type { CiphertextMessage } from '../../src/ratchet/session-cipher';
import type { ProtocolAddress } from '../../src/stores/protocol-address';
import { forLibsignal, type Libsignal } from './load-libsignal';

/** One device running libsignal 0.90.0, the reference peer, with in-memory stores. */
export interface LibsignalParty {
  address: ProtocolAddress;
  registrationId: number;
  identityPublicKey: Uint8Array;
  /** Stocks fresh libsignal-generated prekeys under `id` and returns their bundle in our shape. */
  bundle(id: number, withOneTimePreKey?: boolean): Promise<PreKeyBundle>;
  /**
   * Stocks a Kyber prekey from serialized key material, through libsignal's record protobuf,
   * and returns the identity key's signature over the public key.
   */
  storeKyberPreKey(id: number, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** `now` stands in for libsignal's clock, which dates the session. */
  processPreKeyBundle(remote: ProtocolAddress, bundle: PreKeyBundle, now?: Date): Promise<void>;
  encrypt(remote: ProtocolAddress, plaintext: Uint8Array, now?: Date): Promise<CiphertextMessage>;
  decrypt(remote: ProtocolAddress, message: CiphertextMessage): Promise<Uint8Array>;
}

export function createLibsignalParty(libsignal: Libsignal, address: ProtocolAddress): LibsignalParty {
  const identityKeyPair = libsignal.IdentityKeyPair.generate();
  const registrationId = 1 + Math.floor(Math.random() * 16_000);
  const sessions = new Map<string, SessionRecord>();
  const identities = new Map<string, PublicKey>();
  const preKeys = new Map<number, TheirPreKeyRecord>();
  const signedPreKeys = new Map<number, SignedPreKeyRecord>();
  const kyberPreKeys = new Map<number, TheirKyberPreKeyRecord>();
  const theirAddress = (remote: ProtocolAddress) => libsignal.ProtocolAddress.new(remote.name, remote.deviceId);
  const found = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} not found`);
    return value;
  };

  class Sessions extends libsignal.SessionStore {
    async saveSession(name: TheirProtocolAddress, record: SessionRecord) {
      sessions.set(name.toString(), libsignal.SessionRecord.deserialize(record.serialize()));
    }
    async getSession(name: TheirProtocolAddress) {
      return sessions.get(name.toString()) ?? null;
    }
    async getExistingSessions(addresses: TheirProtocolAddress[]) {
      return addresses.map((name) => found(sessions.get(name.toString()), `session ${name.toString()}`));
    }
  }
  class Identities extends libsignal.IdentityKeyStore {
    async getIdentityKey() {
      return identityKeyPair.privateKey;
    }
    async getLocalRegistrationId() {
      return registrationId;
    }
    async saveIdentity(name: TheirProtocolAddress, key: PublicKey) {
      const existing = identities.get(name.toString());
      identities.set(name.toString(), key);
      return existing && !existing.equals(key) ? libsignal.IdentityChange.ReplacedExisting : libsignal.IdentityChange.NewOrUnchanged;
    }
    async isTrustedIdentity(name: TheirProtocolAddress, key: PublicKey) {
      const existing = identities.get(name.toString());
      return !existing || existing.equals(key);
    }
    async getIdentity(name: TheirProtocolAddress) {
      return identities.get(name.toString()) ?? null;
    }
  }
  class PreKeys extends libsignal.PreKeyStore {
    async savePreKey(id: number, record: TheirPreKeyRecord) {
      preKeys.set(id, record);
    }
    async getPreKey(id: number) {
      return found(preKeys.get(id), `prekey ${id}`);
    }
    async removePreKey(id: number) {
      preKeys.delete(id);
    }
  }
  class SignedPreKeys extends libsignal.SignedPreKeyStore {
    async saveSignedPreKey(id: number, record: SignedPreKeyRecord) {
      signedPreKeys.set(id, record);
    }
    async getSignedPreKey(id: number) {
      return found(signedPreKeys.get(id), `signed prekey ${id}`);
    }
  }
  class KyberPreKeys extends libsignal.KyberPreKeyStore {
    async saveKyberPreKey(id: number, record: TheirKyberPreKeyRecord) {
      kyberPreKeys.set(id, record);
    }
    async getKyberPreKey(id: number) {
      return found(kyberPreKeys.get(id), `Kyber prekey ${id}`);
    }
    async markKyberPreKeyUsed() {}
  }
  const stores = {
    sessions: new Sessions(),
    identities: new Identities(),
    preKeys: new PreKeys(),
    signedPreKeys: new SignedPreKeys(),
    kyberPreKeys: new KyberPreKeys(),
  };

  return {
    address,
    registrationId,
    identityPublicKey: identityKeyPair.publicKey.serialize(),

    async bundle(id, withOneTimePreKey = true) {
      const signedPrivateKey = libsignal.PrivateKey.generate();
      const signedPublicKey = signedPrivateKey.getPublicKey();
      const signedPreKeySignature = identityKeyPair.privateKey.sign(signedPublicKey.serialize());
      signedPreKeys.set(id, libsignal.SignedPreKeyRecord.new(id, Date.now(), signedPublicKey, signedPrivateKey, signedPreKeySignature));
      const kyberKeyPair = libsignal.KEMKeyPair.generate();
      const kyberPreKeySignature = identityKeyPair.privateKey.sign(kyberKeyPair.getPublicKey().serialize());
      kyberPreKeys.set(id, libsignal.KyberPreKeyRecord.new(id, Date.now(), kyberKeyPair, kyberPreKeySignature));
      const bundle: PreKeyBundle = {
        registrationId,
        deviceId: address.deviceId,
        identityKey: identityKeyPair.publicKey.serialize(),
        signedPreKeyId: id,
        signedPreKey: signedPublicKey.serialize(),
        signedPreKeySignature,
        kyberPreKeyId: id,
        kyberPreKey: kyberKeyPair.getPublicKey().serialize(),
        kyberPreKeySignature,
      };
      if (!withOneTimePreKey) return bundle;
      const preKeyPrivate = libsignal.PrivateKey.generate();
      preKeys.set(id, libsignal.PreKeyRecord.new(id, preKeyPrivate.getPublicKey(), preKeyPrivate));
      return { ...bundle, preKeyId: id, preKey: preKeyPrivate.getPublicKey().serialize() };
    },

    storeKyberPreKey(id, publicKey, secretKey) {
      const signature = identityKeyPair.privateKey.sign(forLibsignal(publicKey));
      kyberPreKeys.set(
        id,
        libsignal.KyberPreKeyRecord.deserialize(forLibsignal(kyberPreKeyRecordProtobuf(id, publicKey, secretKey, signature))),
      );
      return signature;
    },

    async processPreKeyBundle(remote, bundle, now) {
      const theirBundle = libsignal.PreKeyBundle.new(
        bundle.registrationId,
        bundle.deviceId,
        bundle.preKeyId ?? null,
        bundle.preKey ? libsignal.PublicKey.deserialize(forLibsignal(bundle.preKey)) : null,
        bundle.signedPreKeyId,
        libsignal.PublicKey.deserialize(forLibsignal(bundle.signedPreKey)),
        forLibsignal(bundle.signedPreKeySignature),
        libsignal.PublicKey.deserialize(forLibsignal(bundle.identityKey)),
        bundle.kyberPreKeyId,
        libsignal.KEMPublicKey.deserialize(forLibsignal(bundle.kyberPreKey)),
        forLibsignal(bundle.kyberPreKeySignature),
      );
      await libsignal.processPreKeyBundle(theirBundle, theirAddress(remote), stores.sessions, stores.identities, now);
    },

    async encrypt(remote, plaintext, now) {
      const message = await libsignal.signalEncrypt(forLibsignal(plaintext), theirAddress(remote), stores.sessions, stores.identities, now);
      return { type: message.type() as CiphertextMessageType, serialized: message.serialize() };
    },

    async decrypt(remote, message) {
      const serialized = forLibsignal(message.serialized);
      if (message.type === CiphertextMessageType.PreKey) {
        return libsignal.signalDecryptPreKey(
          libsignal.PreKeySignalMessage.deserialize(serialized),
          theirAddress(remote),
          stores.sessions,
          stores.identities,
          stores.preKeys,
          stores.signedPreKeys,
          stores.kyberPreKeys,
        );
      }
      return libsignal.signalDecrypt(
        libsignal.SignalMessage.deserialize(serialized),
        theirAddress(remote),
        stores.sessions,
        stores.identities,
      );
    },
  };
}

/** libsignal's KyberPreKeyRecord protobuf: 1 id, 2 public, 3 secret, 4 signature, 5 fixed64 timestamp. */
function kyberPreKeyRecordProtobuf(id: number, publicKey: Uint8Array, secretKey: Uint8Array, signature: Uint8Array): Uint8Array {
  const fields = new ProtobufWriter().uint32(1, id).bytes(2, publicKey).bytes(3, secretKey).bytes(4, signature).finish();
  const timestamp = new DataView(new ArrayBuffer(9));
  timestamp.setUint8(0, (5 << 3) | 1);
  timestamp.setBigUint64(1, BigInt(Date.now()), true);
  return concatBytes(fields, new Uint8Array(timestamp.buffer));
}
