import type { TransferWithFee } from '@coming/xbtc';
import type { Hex } from 'viem';

/** A TransferWithFee authorization with its signature, as stored and submitted. */
export interface SignedAuthorization {
  message: TransferWithFee;
  signature: Hex;
}

/**
 * Gas budgeted for one transferWithFee, worked out rather than estimated per call (an
 * estimate needs a valid signature): 21,000 base, calldata, the signature check, and up to
 * three fresh storage slots at about 22,100 each (the nonce, the payee's and the relayer's
 * balances) come to about 100,000; the rest is margin. Also the transaction's gas limit, so
 * the quote covers the most the relayer can pay.
 */
export const GAS_PER_TRANSFER = 120_000n;
