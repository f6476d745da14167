import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Cache } from './cache';
import { RateLimitMetrics } from './rate-limit.metrics';

export interface RateLimit {
  /** Names the limit in keys and errors, e.g. "login-account". */
  name: string;
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiterOptions {
  /** How often local counts are pushed to the shared cache and global counts adopted. */
  syncIntervalMs?: number;
  now?: () => number;
}

export const RATE_LIMITER_OPTIONS = Symbol('RateLimiterOptions');

const DEFAULT_SYNC_INTERVAL_MS = 100;

/** One limit's window for one subject, as this process knows it. */
interface LocalWindow {
  /** When the window closes: first set locally, then taken from the shared counter. */
  endsAt: number;
  /** The shared total when this process last synchronised, its own earlier grants included. */
  shared: number;
  /** Requests granted here since the last successful synchronisation. */
  pending: number;
  windowMs: number;
}

/**
 * Fixed-window limits decided in process, with the shared cache synchronised in batches.
 *
 * Every request is answered from local counters, so a limit costs no round trip and keeps
 * working when Redis is away. Every `syncIntervalMs` the grants made here are pushed
 * with one pipelined INCRBY per key, and the total and time left that come back (every
 * replica's grants, in the window the first of them opened) are adopted. The cost of
 * batching is bounded overshoot: a replica may grant until its next synchronisation shows
 * the others' grants. Without Redis each replica enforces the limit
 * on its own, so the total stays below limit × replicas rather than failing open.
 * Only granted requests count: refused ones do not lengthen anyone's wait.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly windows = new Map<string, LocalWindow>();
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly cache: Cache,
    private readonly metrics: RateLimitMetrics,
    @Optional() @Inject(RATE_LIMITER_OPTIONS) options: RateLimiterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.sync(), options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS).unref();
  }

  /** Async for callers' sake; it never waits for the cache and never fails. */
  consume(limit: RateLimit, subject: string): Promise<RateDecision> {
    return Promise.resolve(this.decide(limit, subject));
  }

  /**
   * Pushes local grants to the shared cache and adopts the shared totals. Runs on a timer;
   * tests call it to synchronise at a known moment. A failure keeps the grants for the next try.
   */
  sync(): Promise<void> {
    this.inFlight ??= this.flush().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  onModuleDestroy(): void {
    this.close();
  }

  close(): void {
    clearInterval(this.timer);
  }

  private decide({ name, limit, windowMs }: RateLimit, subject: string): RateDecision {
    const now = this.now();
    const key = `rate:${name}:${subject}`;
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { endsAt: now + windowMs, windowMs, shared: 0, pending: 0 };
      this.windows.set(key, window);
    }
    if (window.shared + window.pending >= limit) {
      this.metrics.rejections.add(1, { limit: name });
      return { allowed: false, retryAfterMs: Math.max(window.endsAt - now, 1) };
    }
    window.pending += 1;
    return { allowed: true };
  }

  private async flush(): Promise<void> {
    const now = this.now();
    const batch: { key: string; window: LocalWindow; amount: number }[] = [];
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(key);
      else if (window.pending > 0) batch.push({ key, window, amount: window.pending });
    }
    if (batch.length === 0) return;
    try {
      const counts = await this.cache.addToCounters(batch.map(({ key, window, amount }) => ({ key, amount, windowMs: window.windowMs })));
      batch.forEach(({ window, amount }, position) => {
        const shared = counts[position];
        window.pending -= amount;
        window.shared = Math.max(window.shared + amount, shared?.count ?? 0);
        if (shared !== undefined) window.endsAt = now + shared.remainingMs;
      });
    } catch {
      // Redis is away: the counts stay local and are pushed once it is back.
      this.metrics.syncFailures.add(1);
    }
  }
}
