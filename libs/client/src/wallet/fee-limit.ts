import { type Currency, formatAmount } from './currency';
import { WalletError, WalletErrorCode } from './wallet.errors';

/** Refuses a fee above the most a payment allows (`maxFee`, when there is one), naming both. */
export function checkMaxFee(currency: Currency, fee: bigint, maxFee: bigint | undefined): void {
  if (maxFee === undefined || fee <= maxFee) return;
  throw new WalletError(
    WalletErrorCode.FeeAboveMaximum,
    `the fee is ${fee} ${currency.unitName} (${formatAmount(currency, fee)}), above the maximum of ${maxFee} ${currency.unitName} this payment allows`,
  );
}
