import { Cache } from '@coming/cache';
import { Injectable } from '@nestjs/common';

/** Hot copies of envelope bodies, so a reconnecting device's drain rarely reads them from PostgreSQL. */
@Injectable()
export class EnvelopeCacheRepository {
  constructor(private readonly cache: Cache) {}

  put(serverGuid: Uint8Array, envelope: Uint8Array, ttlMs: number): Promise<void> {
    return this.cache.set(keyOf(serverGuid), envelope, ttlMs);
  }

  getMany(serverGuids: Uint8Array[]): Promise<(Uint8Array | null)[]> {
    return this.cache.getMany(serverGuids.map(keyOf));
  }

  delete(serverGuids: Uint8Array[]): Promise<void> {
    return this.cache.delete(serverGuids.map(keyOf));
  }
}

function keyOf(serverGuid: Uint8Array): string {
  return `mailbox:envelope:${Buffer.from(serverGuid).toString('hex')}`;
}
