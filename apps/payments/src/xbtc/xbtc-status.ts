import { payments } from '@coming/proto';
import type { XbtcTransferState } from '../payments.database';
import type { XbtcTransferRow } from './xbtc-transfers.repository';

const STATES: Record<XbtcTransferState, payments.PaymentState> = {
  broadcast: payments.PaymentState.PAYMENT_STATE_BROADCAST,
  in_mempool: payments.PaymentState.PAYMENT_STATE_IN_MEMPOOL,
  confirmed: payments.PaymentState.PAYMENT_STATE_CONFIRMED,
  dropped: payments.PaymentState.PAYMENT_STATE_DROPPED,
  expired: payments.PaymentState.PAYMENT_STATE_EXPIRED,
};

/** A stored transfer as devices see it. */
export function xbtcStatusOf(row: XbtcTransferRow, depth: number): payments.XbtcTransferStatus {
  return {
    state: STATES[row.state],
    txHash: row.tx_hash ?? '',
    from: row.from_address,
    to: row.to_address,
    valueSat: Number(row.value_sat),
    feeSat: Number(row.fee_sat),
    confirmations: row.state === 'confirmed' ? row.confirmations : 0,
    confirmationDepth: depth,
    reason: row.reason,
    blockNumber: row.state === 'confirmed' ? Number(row.block_number ?? 0) : 0,
    blockHash: row.state === 'confirmed' ? (row.block_hash ?? '') : '',
    nonce: row.nonce === null ? new Uint8Array() : Buffer.from(row.nonce.slice(2), 'hex'),
    logIndex: row.log_index ?? 0,
    updatedAtMs: row.updated_at.getTime(),
  };
}
