import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { BTCArray, RawOldTx, RawTx } from '@scure/btc-signer/script.js';
import * as P from 'micro-packed';

/** An output a transaction spends; coinbase inputs, which spend none, are left out. */
export interface ChainInput {
  txid: string;
  vout: number;
}

export interface ChainOutput {
  vout: number;
  /** Satoshis; a safe integer (all the bitcoin there will ever be fits). */
  valueSat: number;
  /** The output script, hex. */
  scriptPubKey: string;
}

/** A transaction as the watcher needs it, decoded from its network serialization. */
export interface ChainTransaction {
  /** Hex, as block explorers show it. */
  txid: string;
  inputs: ChainInput[];
  outputs: ChainOutput[];
  /** Whether an input signals replaceability (BIP 125: a sequence below 0xfffffffe). */
  signalsReplacement: boolean;
  /** The network serialization, hex; what is sent again if a reorganisation drops it. */
  raw: string;
}

export interface ChainBlock {
  hash: string;
  previousHash: string;
  transactions: ChainTransaction[];
}

/** The fields of a decoded transaction read here (micro-packed's inferred type loses them to `any`). */
interface RawTransaction {
  version: number;
  inputs: { txid: Uint8Array; index: number; finalScriptSig: Uint8Array; sequence: number }[];
  outputs: { amount: bigint; script: Uint8Array }[];
  lockTime: number;
}

const RawBlock = P.struct({ header: P.bytes(80), transactions: BTCArray(RawTx) });

const decodeTransaction = (raw: Uint8Array): RawTransaction => RawTx.decode(raw);

const COINBASE_TXID = '0'.repeat(64);
const FINAL_SEQUENCE_FOR_RBF = 0xfffffffe;

/** Decodes a transaction, exactly: amounts come from the serialization, never from a float. */
export function parseTransaction(raw: Uint8Array): ChainTransaction {
  return describe(decodeTransaction(raw), raw);
}

/** Decodes a whole block (header and transactions) from its network serialization. */
export function parseBlock(raw: Uint8Array): ChainBlock {
  const { header, transactions } = RawBlock.decode(raw);
  return {
    hash: displayHash(doubleSha256(header)),
    previousHash: displayHash(header.subarray(4, 36)),
    transactions: transactions.map((transaction) => describe(transaction, RawTx.encode(transaction))),
  };
}

/** The txid of a serialized transaction (the hash of its serialization without witnesses). */
export function txidOf(raw: Uint8Array): string {
  return txidOfDecoded(decodeTransaction(raw));
}

function describe(transaction: RawTransaction, raw: Uint8Array): ChainTransaction {
  return {
    txid: txidOfDecoded(transaction),
    inputs: transaction.inputs
      .map(({ txid, index }) => ({ txid: hex.encode(txid), vout: index }))
      .filter(({ txid }) => txid !== COINBASE_TXID),
    outputs: transaction.outputs.map(({ amount, script }, vout) => ({
      vout,
      valueSat: satoshis(amount),
      scriptPubKey: hex.encode(script),
    })),
    signalsReplacement: transaction.inputs.some(({ sequence }) => sequence < FINAL_SEQUENCE_FOR_RBF),
    raw: hex.encode(raw),
  };
}

function txidOfDecoded({ version, inputs, outputs, lockTime }: RawTransaction): string {
  return displayHash(doubleSha256(RawOldTx.encode({ version, inputs, outputs, lockTime })));
}

function satoshis(amount: bigint): number {
  if (amount > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`output amount ${amount} is larger than any bitcoin amount`);
  return Number(amount);
}

function doubleSha256(bytes: Uint8Array): Uint8Array {
  return sha256(sha256(bytes));
}

/** Hashes are shown byte-reversed, as Bitcoin Core and block explorers print them. */
function displayHash(hash: Uint8Array): string {
  return hex.encode(Uint8Array.from(hash).reverse());
}
