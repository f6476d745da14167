import type { ColumnType } from 'kysely';

/** Chain states of a transaction, as stored; the proto's PaymentState minus the request-only ones. */
export type TransactionState = 'broadcast' | 'in_mempool' | 'confirmed' | 'replaced' | 'dropped';

/** bigint columns: strings from PostgreSQL, numbers or bigints from PGlite; read through Number(), written as numbers. */
type Satoshis = ColumnType<string | number | bigint, number, number>;

/** States of an X-BTC transfer, as stored: PaymentState's, EXPIRED for an authorization that lapsed unsubmitted. */
export type XbtcTransferState = 'broadcast' | 'in_mempool' | 'confirmed' | 'dropped' | 'expired';

/** bigint columns holding block numbers and Unix seconds; read through Number(). */
type BigNumber = ColumnType<string | number | bigint, number, number>;

/** The tables payments owns; kept in step with migrations/ by the service tests. */
export interface PaymentsDatabase {
  watched_addresses: {
    script_pubkey: string;
    account_id: string;
    address: string;
    device_id: number;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  chain_transactions: {
    txid: string;
    raw: string;
    state: TransactionState;
    block_height: number | null;
    block_hash: string | null;
    confirmations: ColumnType<number, number | undefined, number>;
    replaced_by: string | null;
    first_seen_at: ColumnType<Date, Date, never>;
    updated_at: Date;
  };
  transaction_inputs: {
    txid: string;
    vin: number;
    previous_txid: string;
    previous_vout: number;
  };
  transaction_outputs: {
    txid: string;
    vout: number;
    account_id: string;
    script_pubkey: string;
    address: string;
    value_sat: Satoshis;
  };
  account_transactions: {
    account_id: string;
    txid: string;
  };
  payment_requests: {
    script_pubkey: string;
    account_id: string;
    address: string;
    amount_sat: Satoshis;
    expires_at: Date;
    expired: ColumnType<boolean, boolean | undefined, boolean>;
    created_at: ColumnType<Date, Date, never>;
    updated_at: Date;
  };
  watcher_blocks: {
    height: number;
    hash: string;
  };
  watcher_lease: {
    id: number;
    holder: string;
    expires_at: Date;
  };
  xbtc_watched_addresses: {
    address: string;
    account_id: string;
    device_id: number;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  xbtc_transfers: {
    id: ColumnType<string | number | bigint, never, never>;
    account_id: string | null;
    from_address: string;
    to_address: string;
    value_sat: Satoshis;
    fee_sat: Satoshis;
    nonce: string | null;
    valid_after: ColumnType<string | number | bigint | null, number | null, number | null>;
    valid_before: ColumnType<string | number | bigint | null, number | null, number | null>;
    signature: string | null;
    tx_hash: string | null;
    raw_transaction: string | null;
    log_index: number | null;
    state: XbtcTransferState;
    reason: ColumnType<string, string | undefined, string>;
    block_number: ColumnType<string | number | bigint | null, number | null, number | null>;
    block_hash: string | null;
    confirmations: ColumnType<number, number | undefined, number>;
    /** While set and ahead of the clock, only the submitter that set it may send the transfer. */
    submitting_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
    /** Set when the transfer's fee went into the fee counter, the first time it was mined. */
    fee_counted: ColumnType<boolean, boolean | undefined, boolean>;
    created_at: ColumnType<Date, Date, never>;
    updated_at: Date;
  };
  xbtc_blocks: {
    number: BigNumber;
    hash: string;
  };
}
