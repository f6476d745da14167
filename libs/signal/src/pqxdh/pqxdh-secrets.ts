import { concatBytes, utf8ToBytes } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';

const PQXDH_INFO = utf8ToBytes('WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024');
// The X3DH/PQXDH "F" prefix: 32 0xFF bytes, so the input never starts like a valid key.
const DISCONTINUITY_BYTES = new Uint8Array(32).fill(0xff);

export interface PqxdhSecrets {
  rootKey: Uint8Array;
  chainKey: Uint8Array;
}

/**
 * HKDF over `0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 ‖ [DH4] ‖ Kyber secret`, no salt, 96 bytes. The last 32
 * bytes seed SPQR, which libsignal 0.90 peers without it do not use.
 */
export async function derivePqxdhSecrets(
  agreements: Uint8Array[],
  kyberSharedSecret: Uint8Array,
  crypto: CryptoBackend,
): Promise<PqxdhSecrets> {
  const keyMaterial = await crypto.hkdfSha256(
    concatBytes(DISCONTINUITY_BYTES, ...agreements, kyberSharedSecret),
    undefined,
    PQXDH_INFO,
    96,
  );
  return { rootKey: keyMaterial.slice(0, 32), chainKey: keyMaterial.slice(32, 64) };
}
