import { WalletError, WalletErrorCode } from './wallet.errors';

// Plain decimal notation only: no sign, exponent or grouping, so that what the user typed
// is exactly the amount sent.
const DECIMAL = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;

/**
 * Parses a decimal amount of whole coins ("0.001") into base units (100000n for BTC), by
 * string arithmetic: a float cannot hold 0.1 exactly, so it never touches an amount.
 */
export function parseBaseUnits(text: string, decimals: number, unitName: string): bigint {
  const trimmed = text.trim();
  const match = DECIMAL.exec(trimmed);
  if (match === null) {
    throw new WalletError(WalletErrorCode.InvalidAmount, `"${text}" is not an amount: write a decimal number such as 0.001`);
  }
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? match[3] ?? '';
  if (fraction.length > decimals) {
    throw new WalletError(
      WalletErrorCode.InvalidAmount,
      `"${text}" has ${fraction.length} decimals; the smallest unit (1 ${unitName}) is ${decimals} decimals`,
    );
  }
  const units = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (units === 0n) throw new WalletError(WalletErrorCode.InvalidAmount, `"${text}" is zero; an amount must be positive`);
  return units;
}

/** Formats base units as whole coins with every decimal kept, trailing zeros dropped: 100000n → "0.001". */
export function formatBaseUnits(units: bigint, decimals: number): string {
  const sign = units < 0n ? '-' : '';
  const digits = (units < 0n ? -units : units).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}
