import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-delay';

const NOW = Date.parse('2026-12-02T12:00:00Z');

describe(retryDelayMs.name, () => {
  it('doubles the base delay each attempt when the server says nothing', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, null, NOW, 500))).toEqual([500, 1000, 2000, 4000]);
  });

  it('waits as many seconds as Retry-After says, or until its date', () => {
    expect(retryDelayMs(1, '120', NOW, 500)).toBe(120_000);
    expect(retryDelayMs(1, 'Wed, 02 Dec 2026 12:00:30 GMT', NOW, 500)).toBe(30_000);
    expect(retryDelayMs(1, 'Wed, 02 Dec 2026 11:00:00 GMT', NOW, 500)).toBe(0);
  });

  it('falls back to the backoff for a Retry-After it cannot read', () => {
    expect(retryDelayMs(2, 'soon', NOW, 500)).toBe(1000);
    expect(retryDelayMs(2, '-5', NOW, 500)).toBe(1000);
  });
});
