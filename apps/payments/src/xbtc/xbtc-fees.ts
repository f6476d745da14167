import type { payments } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { GAS_PER_TRANSFER } from './xbtc-authorization';
import { XbtcChain } from './xbtc-chain';

const WEI_PER_COIN = 10n ** 18n;

/**
 * The relayer's fee in X-BTC satoshis: the gas of one transfer at the chain's gas price,
 * converted at the operator's price of the native coin (PAYMENTS_XBTC_NATIVE_PRICE_SAT; the
 * chain has no price oracle the service could trust, and a wrong price costs the operator,
 * never the user, who sees and signs the fee), plus a margin for moving gas prices, never
 * below 1 sat.
 */
@Injectable()
export class XbtcFees {
  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly chain: XbtcChain,
  ) {}

  async quote(): Promise<payments.XbtcFeeQuote> {
    const gasPrice = await this.chain.use((client) => client.getGasPrice());
    const costWei = GAS_PER_TRANSFER * gasPrice * BigInt(100 + this.config.PAYMENTS_XBTC_FEE_MARGIN_PERCENT);
    const denominator = WEI_PER_COIN * 100n;
    const feeSat = (costWei * BigInt(this.config.PAYMENTS_XBTC_NATIVE_PRICE_SAT) + denominator - 1n) / denominator;
    return {
      feeSat: Number(feeSat > 0n ? feeSat : 1n),
      gas: Number(GAS_PER_TRANSFER),
      gasPriceWei: gasPrice.toString(),
      nativePriceSat: this.config.PAYMENTS_XBTC_NATIVE_PRICE_SAT,
      tolerancePercent: this.config.PAYMENTS_XBTC_FEE_TOLERANCE_PERCENT,
    };
  }

  /** The lowest signed fee taken against a quote: the gas price may have risen since the wallet asked. */
  static lowestAccepted(quote: payments.XbtcFeeQuote): number {
    return Math.max(1, Math.floor((quote.feeSat * (100 - quote.tolerancePercent)) / 100));
  }
}
