import { equalBytes } from '@scure/btc-signer/utils.js';
import type { PaymentClaim, PaymentVerification } from '../currency-adapter';
import type { ChainPayment } from './bitcoin-chain-api';

/**
 * Whether what the chain shows of a transaction bears out a payment message's claim: the
 * named output exists, pays the payee's own address (by output script, so address
 * encodings never matter), and holds exactly the stated amount.
 */
export function verifyClaim(claim: PaymentClaim, script: Uint8Array, found: ChainPayment | undefined): PaymentVerification {
  const { transactionId, outputIndex, amount, address } = claim;
  if (found === undefined) {
    return { valid: false, reason: `unknown transaction: the chain shows no transaction ${transactionId}` };
  }
  const output = found.outputs.find(({ index }) => index === outputIndex);
  if (output === undefined || !equalBytes(output.script, script)) {
    return { valid: false, reason: `output ${outputIndex} of ${transactionId} pays another address, not ${address}` };
  }
  if (output.amount !== amount) {
    return {
      valid: false,
      reason: `wrong amount: output ${outputIndex} of ${transactionId} pays ${output.amount} sat, not the ${amount} sat stated`,
    };
  }
  return { valid: true, confirmations: found.confirmations };
}
