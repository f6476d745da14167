import type { CryptoBackend } from '../crypto/crypto-backend';
import {
  calculateAgreement,
  calculateAgreements,
  type CurveKeyPair,
  generateEphemeralKeyPair,
  rawCurvePublicKey,
} from '../keys/curve-key-pair';
import { xeddsaVerifyAsync } from '../keys/xeddsa';
import { assertKyberPublicKey, kyberEncapsulate } from '../kyber/kyber1024';
import { CIPHERTEXT_MESSAGE_VERSION } from '../protocol/message-version';
import { stepRootKey } from '../ratchet/root-key';
import type { SessionState } from '../ratchet/session-state';
import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';
import type { PreKeyBundle } from './pre-key-bundle';
import { derivePqxdhSecrets } from './pqxdh-secrets';

export interface PqxdhInitiatorInput {
  identityKeyPair: CurveKeyPair;
  localRegistrationId: number;
  bundle: PreKeyBundle;
  /** Milliseconds since the epoch. */
  now: number;
}

async function assertSigned(
  bundle: PreKeyBundle,
  signedKey: Uint8Array,
  signature: Uint8Array,
  what: string,
  crypto: CryptoBackend,
): Promise<void> {
  if (!(await xeddsaVerifyAsync(bundle.identityKey, signedKey, signature, crypto))) {
    throw new SignalProtocolError(
      SignalProtocolErrorCode.InvalidSignature,
      `the bundle's ${what} signature does not verify under its identity key`,
    );
  }
}

/**
 * Alice's side of PQXDH: checks the bundle, agrees on the secrets, then takes the first
 * Diffie-Hellman ratchet step against Bob's signed prekey, his first ratchet key.
 */
export async function createInitiatorSession(input: PqxdhInitiatorInput, crypto: CryptoBackend): Promise<SessionState> {
  const { bundle, identityKeyPair } = input;
  // Malformed keys are INVALID_KEY, as in libsignal, not a signature that fails to verify.
  for (const key of [bundle.identityKey, bundle.signedPreKey, ...(bundle.preKey ? [bundle.preKey] : [])]) rawCurvePublicKey(key);
  assertKyberPublicKey(bundle.kyberPreKey);
  await assertSigned(bundle, bundle.signedPreKey, bundle.signedPreKeySignature, 'signed prekey', crypto);
  await assertSigned(bundle, bundle.kyberPreKey, bundle.kyberPreKeySignature, 'Kyber prekey', crypto);
  if ((bundle.preKeyId === undefined) !== (bundle.preKey === undefined)) {
    throw new SignalProtocolError(
      SignalProtocolErrorCode.InvalidKey,
      'the bundle has a one-time prekey ID without its key, or a key without its ID',
    );
  }

  const baseKeyPair = await generateEphemeralKeyPair(crypto);
  const [identityAgreement, baseAgreements, kyber] = await Promise.all([
    calculateAgreement(identityKeyPair.privateKey, bundle.signedPreKey, crypto),
    calculateAgreements(
      baseKeyPair.privateKey,
      [bundle.identityKey, bundle.signedPreKey, ...(bundle.preKey ? [bundle.preKey] : [])],
      crypto,
    ),
    kyberEncapsulate(bundle.kyberPreKey, crypto),
  ]);
  const secrets = await derivePqxdhSecrets([identityAgreement, ...baseAgreements], kyber.sharedSecret, crypto);

  const ratchetKeyPair = await generateEphemeralKeyPair(crypto);
  const sending = await stepRootKey(secrets.rootKey, bundle.signedPreKey, ratchetKeyPair.privateKey, crypto);
  return {
    version: CIPHERTEXT_MESSAGE_VERSION,
    localIdentityKey: identityKeyPair.publicKey,
    remoteIdentityKey: bundle.identityKey,
    localRegistrationId: input.localRegistrationId,
    remoteRegistrationId: bundle.registrationId,
    rootKey: sending.rootKey,
    previousCounter: 0,
    senderChain: { ratchetKeyPair, chainKey: sending.chainKey, index: 0 },
    receiverChains: [],
    baseKey: baseKeyPair.publicKey,
    pendingPreKey: {
      ...(bundle.preKeyId === undefined ? {} : { preKeyId: bundle.preKeyId }),
      signedPreKeyId: bundle.signedPreKeyId,
      kyberPreKeyId: bundle.kyberPreKeyId,
      kyberCiphertext: kyber.ciphertext,
      createdAt: input.now,
    },
  };
}
