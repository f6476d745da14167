import { bcoinNetworks, type ChainInput, type NetworkParameters, parseBlock } from '@coming/chain';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hex } from '@scure/base';
import { p2wpkh, Transaction, WIF } from '@scure/btc-signer';
import type { RegtestNode } from './regtest-node';

export interface Spendable extends ChainInput {
  valueSat: number;
}

export interface Payment {
  address: string;
  valueSat: number;
}

export interface SignedTransaction {
  txid: string;
  raw: Uint8Array;
  /** The outputs it creates, by index. */
  outputs: Payment[];
}

/**
 * A throwaway single-key P2WPKH wallet for tests and demos: funded from coinbase outputs,
 * signing with @scure/btc-signer. Not the client wallet: it exists to put real transactions
 * on a regtest chain.
 */
export class RegtestWallet {
  private readonly privateKey = secp256k1.utils.randomSecretKey();
  private readonly payment: ReturnType<typeof p2wpkh>;
  readonly address: string;

  constructor(private readonly parameters: NetworkParameters = bcoinNetworks.regtest) {
    this.payment = p2wpkh(secp256k1.getPublicKey(this.privateKey, true), parameters);
    this.address = this.payment.address ?? '';
  }

  /** Its private key as hex and as WIF: what tests search server tables, events and logs for. */
  secretForms(): string[] {
    return [hex.encode(this.privateKey), WIF(this.parameters).encode(this.privateKey)];
  }

  /** Mines `count` blocks to this wallet and returns their coinbase outputs (spendable 100 blocks later). */
  async mineCoinbases(node: RegtestNode, count: number): Promise<Spendable[]> {
    const hashes = await node.mine(count, this.address);
    const coinbases: Spendable[] = [];
    for (const hash of hashes) {
      const block = parseBlock(hex.decode(await node.rpc<string>('getblock', [hash, false])));
      const coinbase = block.transactions[0];
      const output = coinbase?.outputs.find(({ scriptPubKey }) => scriptPubKey === hex.encode(this.payment.script));
      if (coinbase !== undefined && output !== undefined)
        coinbases.push({ txid: coinbase.txid, vout: output.vout, valueSat: output.valueSat });
    }
    return coinbases;
  }

  /**
   * Signs a transaction spending `inputs` (outputs paying this wallet) to `payments`, with the
   * rest less `feeSat` back to this wallet. Signals replaceability unless `final`.
   */
  spend(inputs: Spendable[], payments: Payment[], feeSat: number, { final = false } = {}): SignedTransaction {
    const transaction = new Transaction();
    for (const { txid, vout, valueSat } of inputs) {
      transaction.addInput({
        txid,
        index: vout,
        witnessUtxo: { script: this.payment.script, amount: BigInt(valueSat) },
        sequence: final ? 0xffffffff : 0xfffffffd,
      });
    }
    const outputs = [...payments];
    const change =
      inputs.reduce((sum, { valueSat }) => sum + valueSat, 0) - payments.reduce((sum, { valueSat }) => sum + valueSat, 0) - feeSat;
    if (change < 0) throw new Error(`inputs fall ${-change} sat short of the payments and fee`);
    if (change > 0) outputs.push({ address: this.address, valueSat: change });
    for (const { address, valueSat } of outputs) transaction.addOutputAddress(address, BigInt(valueSat), this.parameters);
    transaction.sign(this.privateKey);
    transaction.finalize();
    return { txid: transaction.id, raw: transaction.extract(), outputs };
  }
}
