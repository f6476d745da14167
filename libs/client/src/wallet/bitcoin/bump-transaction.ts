import { Transaction } from '@scure/btc-signer';
import { WalletError, WalletErrorCode } from '../wallet.errors';
import { dustThreshold } from './dust';

// Virtual sizes of a signed P2WPKH spend, the only kind this wallet makes: version, locktime
// and counts (10 bytes, plus a quarter of the 2-byte witness marker), and per input the
// outpoint, empty script and sequence (41 bytes) plus a quarter of the witness: a 72-byte
// signature at worst and a 33-byte key with their lengths (108 bytes).
const OVERHEAD_VBYTES = 11n;
const P2WPKH_INPUT_VBYTES = 41n + 27n;
/** BIP-125 rule 4: a replacement pays for its own relay at this rate on top of the fee it replaces. */
const INCREMENTAL_RELAY_FEE_RATE = 1n;

export interface FeeBump {
  /** The replacement, unsigned: the same inputs, the same payment, less change. */
  tx: Transaction;
  fee: bigint;
  paymentOutputIndex: number;
}

/**
 * Builds the BIP-125 replacement of a transaction this wallet sent (read back from its PSBT):
 * the same inputs, still signalling replaceability, and the same payment output; the extra
 * fee comes out of the change. A change output left below the dust threshold goes to the fee
 * entirely. Outputs keep their order, so the payee's output index changes only when the
 * change before it is dropped.
 */
export function bumpTransaction(
  original: Transaction,
  { feeRate, paymentOutputIndex, isChange }: { feeRate: bigint; paymentOutputIndex: number; isChange: (script: Uint8Array) => boolean },
): FeeBump {
  const inputs = Array.from({ length: original.inputsLength }, (_, index) => original.getInput(index));
  const outputs = Array.from({ length: original.outputsLength }, (_, index) => original.getOutput(index));
  const inputSum = inputs.reduce((sum, input) => sum + (input.witnessUtxo?.amount ?? 0n), 0n);
  const outputSum = outputs.reduce((sum, output) => sum + (output.amount ?? 0n), 0n);
  const oldFee = inputSum - outputSum;
  const vsize =
    OVERHEAD_VBYTES + P2WPKH_INPUT_VBYTES * BigInt(inputs.length) + outputs.reduce((sum, { script }) => sum + outputVbytes(script), 0n);
  const oldRate = oldFee / vsize;
  if (feeRate <= oldRate) {
    throw new WalletError(
      WalletErrorCode.InvalidFeeRate,
      `a fee rate of ${feeRate} sat/vB bumps nothing: the transaction already pays about ${oldRate} sat/vB`,
    );
  }
  const fee = maxOf(feeRate * vsize, oldFee + INCREMENTAL_RELAY_FEE_RATE * vsize);
  const extra = fee - oldFee;
  const changeIndex = outputs.findIndex(({ script }, index) => index !== paymentOutputIndex && script !== undefined && isChange(script));
  const change = changeIndex === -1 ? undefined : outputs[changeIndex];
  const changeAmount = change?.amount ?? 0n;
  if (change === undefined || changeAmount < extra) {
    throw new WalletError(
      WalletErrorCode.InsufficientFunds,
      `insufficient funds: bumping to ${feeRate} sat/vB costs ${extra} sat more in fees (${fee} sat in all), ` +
        (change === undefined ? 'and the transaction has no change to take it from' : `and its change is only ${changeAmount} sat`),
    );
  }
  const keepsChange = change.script !== undefined && changeAmount - extra >= dustThreshold(change.script);
  const tx = new Transaction({ version: original.version, lockTime: original.lockTime });
  for (const input of inputs) {
    tx.addInput({
      txid: input.txid,
      index: input.index,
      witnessUtxo: input.witnessUtxo,
      sequence: input.sequence,
      bip32Derivation: input.bip32Derivation,
    });
  }
  let bumpedPaymentIndex = -1;
  outputs.forEach((output, index) => {
    if (index === changeIndex && !keepsChange) return;
    if (index === paymentOutputIndex) bumpedPaymentIndex = tx.outputsLength;
    tx.addOutput({
      script: output.script,
      amount: index === changeIndex ? changeAmount - extra : output.amount,
      ...(output.bip32Derivation === undefined ? {} : { bip32Derivation: output.bip32Derivation }),
    });
  });
  return { tx, fee: keepsChange ? fee : oldFee + changeAmount, paymentOutputIndex: bumpedPaymentIndex };
}

function outputVbytes(script: Uint8Array | undefined): bigint {
  const length = script?.length ?? 0;
  // Amount, the script's length (one byte below 253) and the script.
  return 8n + (length < 0xfd ? 1n : 3n) + BigInt(length);
}

function maxOf(left: bigint, right: bigint): bigint {
  return left > right ? left : right;
}
