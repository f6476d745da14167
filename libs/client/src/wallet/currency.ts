import { content } from '@coming/proto';
import { formatBaseUnits, parseBaseUnits } from './base-units';

/**
 * A currency: what its amounts mean. Amounts are always integers of its base unit
 * (bigint), never floats; these methods are the only way between them and what users
 * read and type. Currencies are these objects, never their names passed around as strings.
 */
export interface Currency {
  /** How the payment messages name it. */
  readonly wire: content.Currency;
  /** Ticker shown to users: "BTC". */
  readonly symbol: string;
  /** The base unit's name, shown with base-unit amounts: "sat". */
  readonly unitName: string;
  /** Decimals of one whole coin: 10^decimals base units make one coin. */
  readonly decimals: number;
  /** How its chain names a transaction, and the words for it in an error. */
  readonly transactionId: { pattern: RegExp; described: string };
}

/** Bitcoin: 1 BTC = 100,000,000 satoshis. */
export const BTC: Currency = {
  wire: content.Currency.CURRENCY_BTC,
  symbol: 'BTC',
  unitName: 'sat',
  decimals: 8,
  transactionId: { pattern: /^[0-9a-f]{64}$/, described: '64 lowercase hex digits' },
};

/** X-BTC, the in-app ERC-20 on an EVM chain: 8 decimals, so that 1 base unit is 1 satoshi. */
export const XBTC: Currency = {
  wire: content.Currency.CURRENCY_XBTC,
  symbol: 'X-BTC',
  unitName: 'sat',
  decimals: 8,
  transactionId: { pattern: /^0x[0-9a-f]{64}$/, described: '0x and 64 lowercase hex digits' },
};

const CURRENCIES: readonly Currency[] = [BTC, XBTC];

/** "0.001" BTC → 100000n sat, exactly; throws INVALID_AMOUNT naming what is wrong. */
export function parseAmount(currency: Currency, text: string): bigint {
  return parseBaseUnits(text, currency.decimals, currency.unitName);
}

/** 100000n sat → "0.001 BTC". */
export function formatAmount(currency: Currency, units: bigint): string {
  return `${formatBaseUnits(units, currency.decimals)} ${currency.symbol}`;
}

/** The currency a payment message names, or undefined for one this client does not know. */
export function currencyOfWire(wire: content.Currency): Currency | undefined {
  return CURRENCIES.find((currency) => currency.wire === wire);
}
