import { describe, expect, it } from 'vitest';
import { formatBaseUnits, parseBaseUnits } from './base-units';
import { WalletErrorCode } from './wallet.errors';

const sats = (text: string) => parseBaseUnits(text, 8, 'sat');

describe(parseBaseUnits.name, () => {
  it('parses BTC to satoshis exactly, where floats would round', () => {
    expect(sats('0.001')).toBe(100_000n);
    expect(sats('0.1')).toBe(10_000_000n);
    // 0.29 * 1e8 is 28999999.999999996 in floating point.
    expect(sats('0.29')).toBe(29_000_000n);
    expect(sats('0.00000001')).toBe(1n);
    expect(sats('1')).toBe(100_000_000n);
    expect(sats('.5')).toBe(50_000_000n);
    expect(sats('21000000')).toBe(2_100_000_000_000_000n);
    expect(sats(' 12.345 ')).toBe(1_234_500_000n);
  });

  it('refuses more decimals than the base unit allows, naming the unit', () => {
    expect(() => sats('0.000000001')).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InvalidAmount, message: expect.stringContaining('1 sat') }),
    );
  });

  it.each(['', 'abc', '-1', '1e-3', '1,5', '0x10', '1.2.3', 'Infinity', '+1'])('refuses "%s" as no amount', (text) => {
    expect(() => sats(text)).toThrow(expect.objectContaining({ code: WalletErrorCode.InvalidAmount }));
  });

  it('refuses zero', () => {
    expect(() => sats('0.000')).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InvalidAmount, message: expect.stringContaining('zero') }),
    );
  });
});

describe(formatBaseUnits.name, () => {
  it('formats satoshis as BTC with every significant decimal', () => {
    expect(formatBaseUnits(100_000n, 8)).toBe('0.001');
    expect(formatBaseUnits(1n, 8)).toBe('0.00000001');
    expect(formatBaseUnits(100_000_000n, 8)).toBe('1');
    expect(formatBaseUnits(123_456_789n, 8)).toBe('1.23456789');
    expect(formatBaseUnits(-2_500n, 8)).toBe('-0.000025');
  });

  it('round-trips with parsing', () => {
    for (const units of [1n, 99n, 100_000n, 2_100_000_000_000_000n, 123_456_789n]) {
      expect(sats(formatBaseUnits(units, 8))).toBe(units);
    }
  });
});
