import { Injectable } from '@nestjs/common';
import { Cache } from './cache';

export interface RateLimit {
  /** Names the limit in keys and errors, e.g. "login-account". */
  name: string;
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Fixed-window counters in the shared cache, so every replica counts together. */
@Injectable()
export class RateLimiter {
  constructor(private readonly cache: Cache) {}

  async consume({ name, limit, windowMs }: RateLimit, subject: string): Promise<RateDecision> {
    const { count, remainingMs } = await this.cache.increment(`rate:${name}:${subject}`, windowMs);
    return count <= limit ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(remainingMs, 1) };
  }
}
