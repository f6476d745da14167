import type { AccessClaims } from '@coming/access-token';
import { describe, expect, it } from 'vitest';
import { BadFrameBudget } from './bad-frame-budget';

const device = { accountId: 'coming1alice', deviceId: 1 } satisfies AccessClaims;
const other = { accountId: 'coming1alice', deviceId: 2 } satisfies AccessClaims;

describe('BadFrameBudget', () => {
  it('lets a device send its budget of bad frames in a minute, and no more', () => {
    const budget = new BadFrameBudget({ GATEWAY_MAX_BAD_FRAMES_PER_MINUTE: 3 });
    expect([1, 2, 3, 4].map(() => budget.spend(device, 1_000))).toEqual([false, false, false, true]);
    expect(budget.refusedForMs(device, 1_000)).toBe(60_000);
    expect(budget.refusedForMs(other, 1_000)).toBe(0);
  });

  it('starts afresh once the minute is over, and forgets what is over', () => {
    const budget = new BadFrameBudget({ GATEWAY_MAX_BAD_FRAMES_PER_MINUTE: 1 });
    budget.spend(device, 0);
    budget.spend(device, 0);
    expect(budget.refusedForMs(device, 59_999)).toBe(1);
    expect(budget.refusedForMs(device, 60_000)).toBe(0);
    expect(budget.spend(device, 60_000)).toBe(false);
    budget.prune(120_000);
    expect(budget.spend(device, 120_000)).toBe(false);
  });
});
