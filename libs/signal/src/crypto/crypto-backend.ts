/**
 * The primitives the ratchet runs on every message: HMAC, HKDF, AES-CBC and X25519. Async so
 * that platform crypto (WebCrypto, node:crypto) can be injected where it is faster; the noble
 * backend is the default. XEdDSA and Kyber stay on noble: they only run at session setup.
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
   * RFC 7748 X25519 over raw 32-byte keys. A small-order public key may throw or give all
   * zeros; `calculateAgreement` rejects both, so a backend need not check.
   */
  x25519SharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>;
}
