import { CHALLENGE_BYTES } from '@coming/proto';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

// A challenge is nonce ‖ expiry ‖ tag, all inside CHALLENGE_BYTES so clients see no change.
const NONCE_BYTES = 10;
// Milliseconds since the epoch in 48 bits: enough until the year 10889.
const EXPIRY_BYTES = 6;
// HMAC-SHA256 truncated to 128 bits, as NIST SP 800-107 allows for authentication tags.
const TAG_BYTES = CHALLENGE_BYTES - NONCE_BYTES - EXPIRY_BYTES;
const SIGNED_BYTES = NONCE_BYTES + EXPIRY_BYTES;

export type ChallengeCheck = { valid: true; expiresAt: Date } | { valid: false; reason: string };

/**
 * Stateless login challenges: random bytes and an expiry, authenticated with a key that
 * every auth replica derives from the shared signing key. Issuing one stores nothing, so
 * login needs no Redis; single use is recorded durably when a challenge is redeemed.
 */
export class ChallengeAuthenticator {
  private readonly key: Buffer;

  constructor(signingKey: string) {
    const seed = Buffer.from(signingKey, 'base64url');
    // Its own key, apart from the token signing key, by HKDF with a purpose label.
    this.key = Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), 'coming/login-challenge/v1', 32));
  }

  issue(expiresAt: Date): Uint8Array {
    const challenge = Buffer.alloc(CHALLENGE_BYTES);
    randomBytes(NONCE_BYTES).copy(challenge, 0);
    challenge.writeUIntBE(expiresAt.getTime(), NONCE_BYTES, EXPIRY_BYTES);
    this.tagOf(challenge).copy(challenge, SIGNED_BYTES);
    return challenge;
  }

  check(challenge: Uint8Array, now: Date): ChallengeCheck {
    const bytes = Buffer.from(challenge);
    if (bytes.length !== CHALLENGE_BYTES || !timingSafeEqual(this.tagOf(bytes), bytes.subarray(SIGNED_BYTES))) {
      return { valid: false, reason: 'challenge was not issued by this deployment: request a new one' };
    }
    const expiresAt = new Date(bytes.readUIntBE(NONCE_BYTES, EXPIRY_BYTES));
    if (expiresAt <= now) return { valid: false, reason: 'challenge expired: request a new one' };
    return { valid: true, expiresAt };
  }

  private tagOf(challenge: Buffer): Buffer {
    return createHmac('sha256', this.key).update(challenge.subarray(0, SIGNED_BYTES)).digest().subarray(0, TAG_BYTES);
  }
}
