import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Cache } from './cache';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RateLimiter } from './rate-limiter';

/** Provides the process's cache, injected by its abstract class, and rate limiting on it. */
@Global()
@Module({})
export class CacheModule {
  static forRoot(cache: Cache): DynamicModule {
    return {
      module: CacheModule,
      providers: [{ provide: Cache, useValue: cache }, RateLimiter, RateLimitMetrics],
      exports: [Cache, RateLimiter],
    };
  }
}
