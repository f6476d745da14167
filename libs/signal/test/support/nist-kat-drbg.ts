import { ecb } from '@noble/ciphers/aes.js';

const KEY_LENGTH = 32;
const BLOCK_LENGTH = 16;
const SEED_LENGTH = KEY_LENGTH + BLOCK_LENGTH;

/**
 * The deterministic generator the NIST PQC known-answer files were made with: CTR_DRBG over
 * AES-256 without a derivation function (SP 800-90A §10.2.1), seeded with a file's 48-byte
 * `seed`, no personalization, one Generate per `randombytes` call.
 */
export class NistKatDrbg {
  private key = new Uint8Array(KEY_LENGTH);
  private counter = new Uint8Array(BLOCK_LENGTH);

  constructor(seed: Uint8Array) {
    if (seed.length !== SEED_LENGTH) throw new Error(`the DRBG seed must be ${SEED_LENGTH} bytes, got ${seed.length}`);
    this.update(seed);
  }

  randomBytes(length: number): Uint8Array {
    const output = this.keystream(length);
    this.update();
    return output;
  }

  /** The next `length` bytes of AES-256(key, ++V) blocks. */
  private keystream(length: number): Uint8Array {
    const counters = new Uint8Array(Math.ceil(length / BLOCK_LENGTH) * BLOCK_LENGTH);
    for (let offset = 0; offset < counters.length; offset += BLOCK_LENGTH) {
      this.increment();
      counters.set(this.counter, offset);
    }
    // ECB over the successive counter values is CTR mode's keystream.
    return ecb(this.key, { disablePadding: true }).encrypt(counters).subarray(0, length);
  }

  private update(providedData?: Uint8Array): void {
    const temp = this.keystream(SEED_LENGTH).slice();
    if (providedData) for (let index = 0; index < SEED_LENGTH; index++) temp[index]! ^= providedData[index]!;
    this.key = temp.slice(0, KEY_LENGTH);
    this.counter = temp.slice(KEY_LENGTH);
  }

  /** V + 1 as a 128-bit big-endian integer. */
  private increment(): void {
    for (let index = BLOCK_LENGTH - 1; index >= 0; index--) {
      this.counter[index] = (this.counter[index]! + 1) & 0xff;
      if (this.counter[index] !== 0) break;
    }
  }
}
