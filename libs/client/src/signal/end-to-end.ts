import { verifyIdentityKey } from '@coming/identity';
import { content, type keys, messaging, type wire } from '@coming/proto';
import {
  CiphertextMessageType,
  type ProtocolAddress,
  SessionBuilder,
  SessionCipher,
  SignalProtocolError,
  SignalProtocolErrorCode,
  type SignalProtocolStores,
} from '@coming/signal';
import { createNodeCryptoBackend } from '@coming/signal/node';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { ClientSignalStore } from './client-signal-store';

// The SDK runs on Node: native X25519, AES and HMAC make the ratchet several times faster.
const crypto = createNodeCryptoBackend();

/** A message's content, less the signature every message carries. */
export type ContentBody = Omit<content.Content, 'identityKeySignature'>;

/** What decrypting an envelope gave: the content, or nothing for a replay of a message already read. */
export type Opened = { content: content.Content } | { duplicate: true };

/**
 * Signal sessions with contacts. Identity keys are trusted only with a valid signature
 * by the contact's account key: from the key directory when starting a session, and
 * inside every message's content when receiving.
 */
export class EndToEnd {
  private readonly stores: SignalProtocolStores;

  constructor(
    private readonly store: ClientSignalStore,
    /** This account's identity key with the account's signature, which every message carries. */
    private readonly identityKey: keys.IdentityKey,
    private readonly onIdentityChanged: (accountId: string) => void,
  ) {
    this.stores = { sessionStore: store, identityKeyStore: store, preKeyStore: store, signedPreKeyStore: store, kyberPreKeyStore: store };
  }

  /** Devices of `accountId` this client holds a session with, among `devices`. */
  async missingSessions(accountId: string, devices: readonly number[]): Promise<number[]> {
    const missing: number[] = [];
    for (const deviceId of devices) if ((await this.store.loadSession({ name: accountId, deviceId })) === undefined) missing.push(deviceId);
    return missing;
  }

  /** Starts sessions from the directory's bundles, after checking the account signs the identity key. */
  async startSessions(accountId: string, bundles: keys.Bundles, only: readonly number[]): Promise<number[]> {
    const identity = verifiedIdentityKey(accountId, bundles);
    await this.adoptIdentity(accountId, identity.publicKey);
    const started: number[] = [];
    for (const device of bundles.devices) {
      if (!only.includes(device.deviceId)) continue;
      const { signedPreKey, kyberPreKey, oneTimePreKey } = device;
      if (signedPreKey === undefined || kyberPreKey === undefined) continue;
      await new SessionBuilder(this.stores, { name: accountId, deviceId: device.deviceId }, crypto).processPreKeyBundle({
        registrationId: device.registrationId,
        deviceId: device.deviceId,
        identityKey: identity.publicKey,
        signedPreKeyId: signedPreKey.keyId,
        signedPreKey: signedPreKey.publicKey,
        signedPreKeySignature: signedPreKey.signature,
        ...(oneTimePreKey && { preKeyId: oneTimePreKey.keyId, preKey: oneTimePreKey.publicKey }),
        kyberPreKeyId: kyberPreKey.keyId,
        kyberPreKey: kyberPreKey.publicKey,
        kyberPreKeySignature: kyberPreKey.signature,
      });
      started.push(device.deviceId);
    }
    return started;
  }

  /** One ciphertext per device; each carries this account's signature over its identity key. */
  async encrypt(accountId: string, devices: readonly number[], body: ContentBody): Promise<wire.OutgoingMessage[]> {
    const plaintext = content.Content.encode({ ...body, identityKeySignature: this.identityKey.accountSignature }).finish();
    const messages: wire.OutgoingMessage[] = [];
    for (const deviceId of devices) {
      const { type, serialized } = await new SessionCipher(this.stores, { name: accountId, deviceId }, crypto).encrypt(plaintext);
      messages.push({
        destinationDevice: deviceId,
        contentType:
          type === CiphertextMessageType.PreKey
            ? messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE
            : messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
        content: serialized,
      });
    }
    return messages;
  }

  /**
   * Decrypts and checks the sender's account signature. What a message changes (session,
   * identity, a one-time prekey) is undone when it fails: a PreKey message built by
   * someone else, claiming a contact's account (anyone can, over SMS), decrypts fine under
   * the forger's own identity key and only fails the signature check, and kept, its
   * session would take the place of the contact's.
   */
  async decrypt(envelope: messaging.Envelope): Promise<Opened> {
    const address = { name: envelope.sourceAccount, deviceId: envelope.sourceDevice };
    const restore = this.store.checkpoint(address);
    try {
      return await this.open(envelope, address);
    } catch (error) {
      restore();
      throw error;
    }
  }

  private async open(envelope: messaging.Envelope, address: ProtocolAddress): Promise<Opened> {
    const before = await this.store.getIdentity(address);
    const cipher = new SessionCipher(this.stores, address, crypto);
    let plaintext: Uint8Array;
    try {
      plaintext =
        envelope.contentType === messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE
          ? await cipher.decryptPreKeySignalMessage(envelope.content)
          : await cipher.decryptSignalMessage(envelope.content);
    } catch (error) {
      if (error instanceof SignalProtocolError && error.code === SignalProtocolErrorCode.DuplicateMessage) return { duplicate: true };
      throw error;
    }
    const opened = content.Content.decode(plaintext);
    const identity = await this.store.getIdentity(address);
    if (identity === undefined || !verifyIdentityKey(envelope.sourceAccount, identity, opened.identityKeySignature)) {
      throw new ClientError(
        ClientErrorCode.UntrustedIdentity,
        `a message from ${envelope.sourceAccount} is not signed by that account's key`,
      );
    }
    if (before !== undefined && Buffer.compare(before, identity) !== 0) this.onIdentityChanged(envelope.sourceAccount);
    return { content: opened };
  }

  private async adoptIdentity(accountId: string, identityKey: Uint8Array) {
    const replaced = await this.store.saveIdentity({ name: accountId, deviceId: 0 }, identityKey);
    if (replaced) this.onIdentityChanged(accountId);
  }
}

/** The bundles' identity key, once checked to be signed by the account's key (no trust on first use); throws UNTRUSTED_IDENTITY. */
export function verifiedIdentityKey(accountId: string, bundles: keys.Bundles): keys.IdentityKey {
  const identity = bundles.identityKey;
  if (identity === undefined || !verifyIdentityKey(accountId, identity.publicKey, identity.accountSignature)) {
    throw new ClientError(
      ClientErrorCode.UntrustedIdentity,
      `the identity key the server gave for ${accountId} is not signed by that account's key; refusing to encrypt to it`,
    );
  }
  return identity;
}
