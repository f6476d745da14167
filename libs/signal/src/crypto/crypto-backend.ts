/** Round-3 Kyber-1024 encapsulation over raw (unprefixed) bytes. */
export interface RawKyberEncapsulation {
  ciphertext: Uint8Array;
  sharedSecret: Uint8Array;
}

/**
 * The primitives sessions run on: HMAC, HKDF, AES-CBC and X25519 for every message; Ed25519
 * verification (under XEdDSA), the base-key check and Kyber-1024 at session setup. Async so
 * that platform crypto (WebCrypto, node:crypto, WASM, native addons) can be injected where it
 * is faster; the noble backend is the default and runs anywhere. Every backend gives the same
 * bytes and the same verdicts, so peers and sessions can mix them.
 */
export interface CryptoBackend {
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** HKDF-SHA256; an undefined salt means the RFC 5869 default of 32 zero bytes. */
  hkdfSha256(inputKeyMaterial: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Promise<Uint8Array>;
  /** AES-256-CBC with PKCS#7 padding. */
  aes256CbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Throws when the padding is invalid. */
  aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
  /** The raw 32-byte X25519 public key of a raw 32-byte private key (RFC 7748, clamping included). */
  x25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array>;
  /**
   * RFC 7748 X25519 of one raw private key with each raw public key, in order: one call per
   * private key lets a backend prepare it once (PQXDH uses the base key three or four times).
   * A small-order public key may throw or give all zeros; `calculateAgreements` rejects both,
   * so a backend need not check.
   */
  x25519SharedSecrets(privateKey: Uint8Array, publicKeys: Uint8Array[]): Promise<Uint8Array[]>;
  /**
   * RFC 8032 Ed25519 verification, strict: the encoded point must decode, s must be below
   * the group order L, and [s]B − [k]A must encode to R byte for byte (no cofactor).
   */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /**
   * True when the 32 bytes are the canonical encoding of an Edwards25519 point of prime
   * order L: on the curve, in the prime-order subgroup, not the identity.
   */
  isPrimeOrderEdwardsPoint(encodedPoint: Uint8Array): Promise<boolean>;
  /** Round-3 CRYSTALS-Kyber-1024 (not FIPS 203 ML-KEM) to a raw 1568-byte public key. */
  kyber1024Encapsulate(publicKey: Uint8Array): Promise<RawKyberEncapsulation>;
  /** Round 3's decapsulation, implicit rejection included: a bad ciphertext gives a pseudorandom secret. */
  kyber1024Decapsulate(secretKey: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
}
