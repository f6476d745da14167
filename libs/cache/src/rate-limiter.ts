import { Injectable } from '@nestjs/common';
import { Cache } from './cache';
import { RateLimitMetrics } from './rate-limit.metrics';

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
  constructor(
    private readonly cache: Cache,
    private readonly metrics: RateLimitMetrics,
  ) {}

  async consume({ name, limit, windowMs }: RateLimit, subject: string): Promise<RateDecision> {
    const { count, remainingMs } = await this.cache.increment(`rate:${name}:${subject}`, windowMs);
    if (count <= limit) return { allowed: true };
    this.metrics.rejections.add(1, { limit: name });
    return { allowed: false, retryAfterMs: Math.max(remainingMs, 1) };
  }
}
