import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Watch-only EVM addresses (EIP-55), one account each, as watched_addresses is for Bitcoin.
  await db.schema
    .createTable('xbtc_watched_addresses')
    .addColumn('address', 'text', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('device_id', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('xbtc_watched_addresses_account')
    .on('xbtc_watched_addresses')
    .columns(['account_id', 'created_at'])
    .execute();

  // X-BTC transfers: relayed here (account_id, nonce, signature and the relayer's signed
  // transaction set, so that it can be submitted again after a reorganisation), or followed
  // on chain as Transfer logs from or to a watched address (log_index set). No key is stored:
  // the signatures are public once the transaction is.
  await db.schema
    .createTable('xbtc_transfers')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('account_id', 'text')
    .addColumn('from_address', 'text', (column) => column.notNull())
    .addColumn('to_address', 'text', (column) => column.notNull())
    .addColumn('value_sat', 'bigint', (column) => column.notNull())
    .addColumn('fee_sat', 'bigint', (column) => column.notNull())
    .addColumn('nonce', 'text')
    .addColumn('valid_after', 'bigint')
    .addColumn('valid_before', 'bigint')
    .addColumn('signature', 'text')
    .addColumn('tx_hash', 'text')
    .addColumn('raw_transaction', 'text')
    .addColumn('log_index', 'integer')
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('block_number', 'bigint')
    .addColumn('block_hash', 'text')
    .addColumn('confirmations', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .execute();
  // Idempotence of relays: one row per authorization.
  await db.schema
    .createIndex('xbtc_transfers_authorization')
    .on('xbtc_transfers')
    .columns(['from_address', 'nonce'])
    .unique()
    .where(sql.ref('nonce'), 'is not', null)
    .execute();
  // One row per Transfer log followed.
  await db.schema
    .createIndex('xbtc_transfers_log')
    .on('xbtc_transfers')
    .columns(['tx_hash', 'log_index'])
    .unique()
    .where(sql.ref('log_index'), 'is not', null)
    .execute();
  await db.schema.createIndex('xbtc_transfers_state').on('xbtc_transfers').columns(['state', 'block_number']).execute();
  await db.schema.createIndex('xbtc_transfers_from').on('xbtc_transfers').columns(['from_address', 'updated_at']).execute();
  await db.schema.createIndex('xbtc_transfers_to').on('xbtc_transfers').columns(['to_address', 'updated_at']).execute();

  // Blocks the follower has seen (its tips and those holding transfers), to notice a reorganisation.
  await db.schema
    .createTable('xbtc_blocks')
    .addColumn('number', 'bigint', (column) => column.primaryKey())
    .addColumn('hash', 'text', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['xbtc_blocks', 'xbtc_transfers', 'xbtc_watched_addresses']) await db.schema.dropTable(table).execute();
}
