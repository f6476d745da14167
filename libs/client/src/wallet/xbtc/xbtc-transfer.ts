import type { Hex } from 'viem';
import { XBTC } from '../currency';
import type { PreparedTransfer } from '../currency-adapter';
import { exportTransfer } from './transfer-json';
import type { TransferWithFee } from './transfer-with-fee';
import type { XbtcToken } from './xbtc-chain-api';

/** An X-BTC transfer on its way: the authorization, bound to its token, and its signature once signed. */
export class XbtcTransfer implements PreparedTransfer {
  readonly currency = XBTC;
  /** X-BTC has no outputs: the payee's `Transfer` event is found by address, so this is always 0. */
  readonly outputIndex = 0;

  constructor(
    readonly token: XbtcToken,
    readonly authorization: TransferWithFee,
    readonly signature?: Hex,
  ) {}

  get to(): string {
    return this.authorization.to;
  }

  get amount(): bigint {
    return this.authorization.value;
  }

  get fee(): bigint {
    return this.authorization.fee;
  }

  get complete(): boolean {
    return this.signature !== undefined;
  }

  export(): string {
    return exportTransfer(this.token, this.authorization, this.signature);
  }
}
