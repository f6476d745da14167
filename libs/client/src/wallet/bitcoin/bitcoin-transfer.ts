import type { Transaction } from '@scure/btc-signer';
import type { PreparedTransfer } from '../currency-adapter';
import { BTC } from '../currency';
import { exportPsbt } from './psbt';

/** A Bitcoin transfer on its way: the PSBT, and what it pays whom. */
export class BitcoinTransfer implements PreparedTransfer {
  readonly currency = BTC;

  constructor(
    readonly tx: Transaction,
    readonly to: string,
    readonly amount: bigint,
    readonly fee: bigint,
    readonly outputIndex: number,
  ) {}

  get complete(): boolean {
    for (let index = 0; index < this.tx.inputsLength; index += 1) {
      const input = this.tx.getInput(index);
      if (input.finalScriptWitness === undefined && (input.partialSig ?? []).length === 0) return false;
    }
    return this.tx.inputsLength > 0;
  }

  export(): string {
    return exportPsbt(this.tx);
  }
}
