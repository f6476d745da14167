export * from './cache';
export * from './cache.module';
export * from './memory-cache';
export * from './rate-limit.metrics';
export * from './rate-limiter';
export * from './redis-cache';
