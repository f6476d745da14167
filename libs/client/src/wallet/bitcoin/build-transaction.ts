import { selectUTXO, type Transaction } from '@scure/btc-signer';
import { equalBytes } from '@scure/btc-signer/utils.js';
import { WalletError, WalletErrorCode } from '../wallet.errors';
import type { WalletAddress } from './bip84-account';
import type { BitcoinNetwork } from './bitcoin-network';
import { dustThreshold } from './dust';

/**
 * BIP-125: any input sequence below 0xfffffffe signals that the transaction may be replaced
 * by one paying a higher fee, so a payment stuck at too low a fee can be bumped. This is
 * the highest such value, as Bitcoin Core uses, which keeps nLockTime in force.
 */
export const RBF_SEQUENCE = 0xffff_fffd;

/** An unspent output of this wallet, and the address (with its key's path) that holds it. */
export interface SpendableCoin {
  txid: string;
  vout: number;
  amount: bigint;
  owner: WalletAddress;
}

export interface TransactionOrder {
  /** What to pay, and to which output script. */
  payment: { script: Uint8Array; address: string; amount: bigint };
  coins: readonly SpendableCoin[];
  /** Satoshis per virtual byte. */
  feeRate: bigint;
  /** Where the change goes, if there is any worth an output. */
  change: WalletAddress;
  /** The master key fingerprint, written into the PSBT so that any signer finds its keys. */
  fingerprint: number;
  network: BitcoinNetwork;
}

/** An unsigned transaction: the PSBT, its fee, and where the payment and the change sit in it. */
export interface BuiltTransaction {
  tx: Transaction;
  fee: bigint;
  paymentOutputIndex: number;
  /** The change output's amount, or undefined when the leftover was dust and went to the fee. */
  changeAmount?: bigint;
}

/**
 * Picks coins for a payment and builds its PSBT: every input signals RBF and carries its
 * key's BIP-32 path, and so does the change output, so that an external signer recognises
 * its own change. Outputs are in BIP-69 order, so the change is not always the last one.
 */
export function buildTransaction(order: TransactionOrder): BuiltTransaction {
  const { payment, coins, feeRate, change, fingerprint, network } = order;
  const dust = dustThreshold(payment.script);
  if (payment.amount < dust) {
    throw new WalletError(
      WalletErrorCode.Dust,
      `${payment.amount} sat is dust: nodes do not relay an output to ${payment.address} below ${dust} sat`,
    );
  }
  const inputs = coins.map((coin) => ({
    txid: coin.txid,
    index: coin.vout,
    witnessUtxo: { script: coin.owner.script, amount: coin.amount },
    sequence: RBF_SEQUENCE,
    bip32Derivation: [[coin.owner.publicKey, { fingerprint, path: coin.owner.path }]] as [
      Uint8Array,
      { fingerprint: number; path: number[] },
    ][],
  }));
  const selected = selectUTXO(inputs, [{ script: payment.script, amount: payment.amount }], 'default', {
    changeAddress: change.address,
    feePerByte: feeRate,
    bip69: true,
    createTx: true,
    network,
    // P2WPKH change: Core's threshold for a witness output (98 bytes at 3 sat/vB, 294 sat).
    dust: 98n,
  });
  if (selected?.tx === undefined) throw insufficientFunds(order, inputs);
  const { tx } = selected;
  let paymentOutputIndex = -1;
  let changeAmount: bigint | undefined;
  for (let index = 0; index < tx.outputsLength; index += 1) {
    const output = tx.getOutput(index);
    if (output.script === undefined) continue;
    if (paymentOutputIndex === -1 && equalBytes(output.script, payment.script) && output.amount === payment.amount) {
      paymentOutputIndex = index;
    } else if (selected.change && equalBytes(output.script, change.script)) {
      changeAmount = output.amount;
      tx.updateOutput(index, { bip32Derivation: [[change.publicKey, { fingerprint, path: change.path }]] });
    }
  }
  for (let index = 0; index < tx.inputsLength; index += 1) tx.updateInput(index, { sequence: RBF_SEQUENCE });
  return { tx, fee: selected.fee ?? 0n, paymentOutputIndex, changeAmount };
}

/** The error for coins that do not cover the payment and its fee, with every amount in it. */
function insufficientFunds(order: TransactionOrder, inputs: Parameters<typeof selectUTXO>[0]): WalletError {
  const { payment, coins, feeRate, network } = order;
  const balance = coins.reduce((sum, coin) => sum + coin.amount, 0n);
  // Sweeping every coin to the payee is the cheapest shape that spends them all: its fee
  // is what the payment costs at the least, and the balance less that fee the most it can send.
  const sweep = selectUTXO(inputs, [], 'all', { changeAddress: payment.address, feePerByte: feeRate, network, dust: 98n });
  const fee = sweep?.fee;
  const needs =
    fee === undefined ? '' : ` needs ${payment.amount + fee} sat (${payment.amount} sat + about ${fee} sat fee at ${feeRate} sat/vB)`;
  const most = fee === undefined || balance <= fee ? 'not even the fee' : `at most ${balance - fee} sat after the fee`;
  return new WalletError(
    WalletErrorCode.InsufficientFunds,
    `insufficient funds: paying ${payment.amount} sat${needs}; the spendable balance is ${balance} sat, enough for ${most}`,
  );
}
