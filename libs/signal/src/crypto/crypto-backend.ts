/**
 * The symmetric primitives the ratchet needs. Async so that a WebCrypto backend can be
 * injected where it is faster; the noble backend is the default.
 */
export interface CryptoBackend {
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** HKDF-SHA256; an undefined salt means the RFC 5869 default of 32 zero bytes. */
  hkdfSha256(inputKeyMaterial: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Promise<Uint8Array>;
  /** AES-256-CBC with PKCS#7 padding. */
  aes256CbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Throws when the padding is invalid. */
  aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
}
