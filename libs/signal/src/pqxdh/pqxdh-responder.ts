import type { CryptoBackend } from '../crypto/crypto-backend';
import { calculateAgreement, calculateAgreements, type CurveKeyPair, rawCurvePublicKey } from '../keys/curve-key-pair';
import { isCanonicalTorsionFreeMontgomeryPoint } from '../keys/montgomery-to-edwards';
import { kyberDecapsulate } from '../kyber/kyber1024';
import { CIPHERTEXT_MESSAGE_VERSION } from '../protocol/message-version';
import type { PreKeySignalMessage } from '../protocol/pre-key-signal-message';
import type { SessionState } from '../ratchet/session-state';
import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';
import { derivePqxdhSecrets } from './pqxdh-secrets';

export interface PqxdhResponderInput {
  identityKeyPair: CurveKeyPair;
  localRegistrationId: number;
  signedPreKeyPair: CurveKeyPair;
  /** Present exactly when the message names a one-time prekey. */
  oneTimePreKeyPair?: CurveKeyPair;
  kyberSecretKey: Uint8Array;
  message: PreKeySignalMessage;
}

/** Bob's side of PQXDH. His signed prekey becomes his first ratchet key pair. */
export async function createResponderSession(input: PqxdhResponderInput, crypto: CryptoBackend): Promise<SessionState> {
  const { message, identityKeyPair, signedPreKeyPair } = input;
  if (!(await isCanonicalTorsionFreeMontgomeryPoint(rawCurvePublicKey(message.baseKey), crypto))) {
    throw new SignalProtocolError(SignalProtocolErrorCode.InvalidKey, 'the base key is not a canonical point of the prime-order subgroup');
  }
  const [[signedWithIdentity, signedWithBase], identityWithBase, oneTimeWithBase, kyberSharedSecret] = await Promise.all([
    calculateAgreements(signedPreKeyPair.privateKey, [message.identityKey, message.baseKey], crypto),
    calculateAgreement(identityKeyPair.privateKey, message.baseKey, crypto),
    input.oneTimePreKeyPair && calculateAgreement(input.oneTimePreKeyPair.privateKey, message.baseKey, crypto),
    kyberDecapsulate(input.kyberSecretKey, message.kyberCiphertext, crypto),
  ]);
  const agreements = [signedWithIdentity!, identityWithBase, signedWithBase!, ...(oneTimeWithBase ? [oneTimeWithBase] : [])];
  const secrets = await derivePqxdhSecrets(agreements, kyberSharedSecret, crypto);
  return {
    version: CIPHERTEXT_MESSAGE_VERSION,
    localIdentityKey: identityKeyPair.publicKey,
    remoteIdentityKey: message.identityKey,
    localRegistrationId: input.localRegistrationId,
    remoteRegistrationId: message.registrationId,
    rootKey: secrets.rootKey,
    previousCounter: 0,
    senderChain: { ratchetKeyPair: signedPreKeyPair, chainKey: secrets.chainKey, index: 0 },
    receiverChains: [],
    baseKey: message.baseKey,
  };
}
