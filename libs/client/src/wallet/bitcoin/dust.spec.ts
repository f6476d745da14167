import { hex } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { dustThreshold } from './dust';

// Bitcoin Core's thresholds at its default dust relay fee of 3 sat/vB.
describe(dustThreshold.name, () => {
  it.each([
    ['P2WPKH', `0014${'11'.repeat(20)}`, 294n],
    ['P2WSH', `0020${'11'.repeat(32)}`, 330n],
    ['P2TR', `5120${'11'.repeat(32)}`, 330n],
    ['P2PKH', `76a914${'11'.repeat(20)}88ac`, 546n],
    ['P2SH', `a914${'11'.repeat(20)}87`, 540n],
  ])('puts %s at its threshold', (_, script, threshold) => {
    expect(dustThreshold(hex.decode(script))).toBe(threshold);
  });
});
