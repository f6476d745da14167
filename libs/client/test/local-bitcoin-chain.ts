import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hex } from '@scure/base';
import { OutScript, p2pkh, Transaction } from '@scure/btc-signer';
import { equalBytes, hash160 } from '@scure/btc-signer/utils.js';
import { randomBytes } from 'node:crypto';
import type { BitcoinChainApi, ChainPayment, ChainUtxo } from '../src/wallet/bitcoin/bitcoin-chain-api';
import { outputScriptOf } from '../src/wallet/bitcoin/bitcoin-address';
import type { BitcoinNetwork } from '../src/wallet/bitcoin/bitcoin-network';
import { type TransferStatus, TransferState } from '../src/wallet/transfer-status';
import { WalletError, WalletErrorCode } from '../src/wallet/wallet.errors';

interface Known {
  tx: Transaction;
  confirmations: number;
}

/**
 * A chain in memory for unit specs of the wallet: it keeps real transactions, accepts a
 * broadcast only when every input spends a known unspent output with a valid P2WPKH
 * (BIP-143) signature, and derives UTXOs from what it holds. The real chain service on a
 * regtest node is what the integration tests use.
 */
export class LocalBitcoinChain implements BitcoinChainApi {
  readonly watched = new Set<string>();
  readonly requests: { address: string; amount: bigint; expiresAtMs: number }[] = [];
  feeRateSatPerVbyte = 2n;
  private readonly transactions = new Map<string, Known>();

  constructor(private readonly network: BitcoinNetwork) {}

  /** A transaction from nowhere paying `amount` to `address`, as a coinbase would. */
  fund(address: string, amount: bigint, confirmations = 1): string {
    const tx = new Transaction({ allowUnknownInputs: true });
    tx.addOutput({ script: outputScriptOf(address, this.network), amount });
    tx.addInput({ txid: randomBytes(32), index: 0, finalScriptSig: new Uint8Array([0x51]) });
    this.transactions.set(tx.id, { tx, confirmations });
    return tx.id;
  }

  /** Mines a block: the mempool goes in, and everything earlier gets one confirmation deeper. */
  mine(): void {
    for (const known of this.transactions.values()) {
      known.confirmations += 1;
    }
  }

  confirmations(txid: string): number | undefined {
    return this.transactions.get(txid)?.confirmations;
  }

  watch(addresses: readonly string[]): Promise<void> {
    for (const address of addresses) this.watched.add(address);
    return Promise.resolve();
  }

  utxos(addresses: readonly string[]): Promise<ChainUtxo[]> {
    const scripts = addresses.filter((address) => this.watched.has(address)).map((address) => outputScriptOf(address, this.network));
    const spent = new Set(this.allInputs().map(({ txid, index }) => `${txid}:${index}`));
    const utxos: ChainUtxo[] = [];
    for (const [txid, { tx, confirmations }] of this.transactions) {
      for (let vout = 0; vout < tx.outputsLength; vout += 1) {
        const { script, amount } = tx.getOutput(vout);
        if (script === undefined || amount === undefined || spent.has(`${txid}:${vout}`)) continue;
        if (scripts.some((watched) => equalBytes(watched, script))) utxos.push({ txid, vout, script, amount, confirmations });
      }
    }
    return Promise.resolve(utxos);
  }

  feeRate(): Promise<bigint> {
    return Promise.resolve(this.feeRateSatPerVbyte);
  }

  broadcast(rawTransaction: Uint8Array): Promise<TransferStatus> {
    const tx = Transaction.fromRaw(rawTransaction);
    const spent = new Set(this.allInputs().map(({ txid, index }) => `${txid}:${index}`));
    for (let index = 0; index < tx.inputsLength; index += 1) {
      const input = tx.getInput(index);
      const previousTxid = hex.encode(input.txid ?? new Uint8Array());
      const previous = this.transactions.get(previousTxid)?.tx.getOutput(input.index ?? 0);
      if (previous?.script === undefined || previous.amount === undefined) return rejected('missing-inputs');
      if (spent.has(`${previousTxid}:${input.index}`)) return rejected('txn-mempool-conflict');
      if (!validP2wpkhSignature(tx, index, previous.script, previous.amount)) return rejected('mandatory-script-verify-flag-failed');
    }
    this.transactions.set(tx.id, { tx, confirmations: 0 });
    return Promise.resolve({ transactionId: tx.id, state: TransferState.InMempool, confirmations: 0 });
  }

  statuses(txids: readonly string[]): Promise<TransferStatus[]> {
    return Promise.resolve(
      txids.flatMap((txid) => {
        const known = this.transactions.get(txid);
        if (known === undefined) return [];
        const state = known.confirmations > 0 ? TransferState.Confirmed : TransferState.InMempool;
        return [{ transactionId: txid, state, confirmations: known.confirmations }];
      }),
    );
  }

  paymentsTo(txid: string, addresses: readonly string[]): Promise<ChainPayment | undefined> {
    const known = this.transactions.get(txid);
    if (known === undefined) return Promise.resolve(undefined);
    const scripts = addresses.map((address) => outputScriptOf(address, this.network));
    const outputs: ChainPayment['outputs'] = [];
    for (let index = 0; index < known.tx.outputsLength; index += 1) {
      const { script, amount } = known.tx.getOutput(index);
      if (script !== undefined && amount !== undefined && scripts.some((own) => equalBytes(own, script)))
        outputs.push({ index, script, amount });
    }
    return Promise.resolve({ txid, confirmations: known.confirmations, outputs });
  }

  registerRequest(address: string, amount: bigint, expiresAtMs: number): Promise<void> {
    this.requests.push({ address, amount, expiresAtMs });
    return Promise.resolve();
  }

  private allInputs() {
    return [...this.transactions.values()].flatMap(({ tx }) =>
      Array.from({ length: tx.inputsLength }, (_, index) => {
        const input = tx.getInput(index);
        return { txid: hex.encode(input.txid ?? new Uint8Array()), index: input.index ?? 0 };
      }),
    );
  }
}

function rejected(reason: string): Promise<never> {
  return Promise.reject(new WalletError(WalletErrorCode.BroadcastRejected, `the node rejected the transaction: ${reason}`));
}

// BIP-143: the witness is [DER signature + sighash type, public key], and the key must hash to the output's program.
function validP2wpkhSignature(tx: Transaction, index: number, script: Uint8Array, amount: bigint): boolean {
  const decoded = OutScript.decode(script);
  const [signature, publicKey] = tx.getInput(index).finalScriptWitness ?? [];
  if (decoded.type !== 'wpkh' || signature === undefined || publicKey === undefined) return false;
  if (!equalBytes(hash160(publicKey), decoded.hash)) return false;
  const hashType = signature[signature.length - 1] ?? 0;
  const digest = tx.preimageWitnessV0(index, p2pkh(publicKey).script, hashType, amount);
  return secp256k1.verify(signature.subarray(0, -1), digest, publicKey, { prehash: false, format: 'der' });
}
