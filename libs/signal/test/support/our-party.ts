import { randomBytes } from '../../src/crypto/bytes';
import type { CryptoBackend } from '../../src/crypto/crypto-backend';
import { nobleCryptoBackend } from '../../src/crypto/noble-crypto-backend';
import { generateCurveKeyPair } from '../../src/keys/curve-key-pair';
import { generateKyberPreKey, generatePreKey, generateSignedPreKey } from '../../src/keys/pre-key-records';
import type { PreKeyBundle } from '../../src/pqxdh/pre-key-bundle';
import { SessionBuilder } from '../../src/ratchet/session-builder';
import { type CiphertextMessage, SessionCipher } from '../../src/ratchet/session-cipher';
import { InMemorySignalProtocolStore } from '../../src/stores/in-memory-signal-protocol.store';
import type { ProtocolAddress } from '../../src/stores/protocol-address';

/** One device running our implementation, with stocked prekeys. */
export class OurParty {
  readonly store: InMemorySignalProtocolStore;
  readonly registrationId = 1 + (randomBytes(2)[0]! << 4);

  constructor(
    readonly address: ProtocolAddress,
    private readonly withOneTimePreKey = true,
    private readonly crypto: CryptoBackend = nobleCryptoBackend,
    /** The clock both SessionBuilder and SessionCipher read; tests move it. */
    readonly clock = { now: Date.now() },
  ) {
    this.store = new InMemorySignalProtocolStore(generateCurveKeyPair(), this.registrationId);
  }

  /** Stocks fresh prekeys under the given IDs and returns the bundle that names them. */
  async bundle(id = 1): Promise<PreKeyBundle> {
    const identityKeyPair = await this.store.getIdentityKeyPair();
    const signedPreKey = generateSignedPreKey(identityKeyPair, id, Date.now());
    const kyberPreKey = generateKyberPreKey(identityKeyPair, id, Date.now());
    await this.store.storeSignedPreKey(signedPreKey);
    await this.store.storeKyberPreKey(kyberPreKey);
    const bundle: PreKeyBundle = {
      registrationId: this.registrationId,
      deviceId: this.address.deviceId,
      identityKey: identityKeyPair.publicKey,
      signedPreKeyId: signedPreKey.id,
      signedPreKey: signedPreKey.keyPair.publicKey,
      signedPreKeySignature: signedPreKey.signature,
      kyberPreKeyId: kyberPreKey.id,
      kyberPreKey: kyberPreKey.keyPair.publicKey,
      kyberPreKeySignature: kyberPreKey.signature,
    };
    if (!this.withOneTimePreKey) return bundle;
    const preKey = generatePreKey(id);
    await this.store.storePreKey(preKey);
    return { ...bundle, preKeyId: preKey.id, preKey: preKey.keyPair.publicKey };
  }

  builder(remote: ProtocolAddress): SessionBuilder {
    return new SessionBuilder({ sessionStore: this.store, identityKeyStore: this.store }, remote, this.crypto, () => this.clock.now);
  }

  processPreKeyBundle(remote: ProtocolAddress, bundle: PreKeyBundle): Promise<void> {
    return this.builder(remote).processPreKeyBundle(bundle);
  }

  encrypt(remote: ProtocolAddress, plaintext: Uint8Array): Promise<CiphertextMessage> {
    return this.cipher(remote).encrypt(plaintext);
  }

  decrypt(remote: ProtocolAddress, message: CiphertextMessage): Promise<Uint8Array> {
    return this.cipher(remote).decrypt(message);
  }

  cipher(remote: ProtocolAddress): SessionCipher {
    const store = this.store;
    return new SessionCipher(
      { sessionStore: store, identityKeyStore: store, preKeyStore: store, signedPreKeyStore: store, kyberPreKeyStore: store },
      remote,
      this.crypto,
      () => this.clock.now,
    );
  }
}
