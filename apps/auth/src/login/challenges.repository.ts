import { Cache } from '@coming/cache';
import { Injectable } from '@nestjs/common';

const ISSUED = new Uint8Array([1]);

/** Outstanding login challenges, in the shared cache so any auth replica can redeem one. */
@Injectable()
export class ChallengesRepository {
  constructor(private readonly cache: Cache) {}

  save(challenge: Uint8Array, ttlMs: number): Promise<void> {
    return this.cache.set(keyOf(challenge), ISSUED, ttlMs);
  }

  /** True exactly once per saved, unexpired challenge. */
  async redeem(challenge: Uint8Array): Promise<boolean> {
    return (await this.cache.take(keyOf(challenge))) !== null;
  }
}

function keyOf(challenge: Uint8Array): string {
  return `auth:challenge:${Buffer.from(challenge).toString('hex')}`;
}
