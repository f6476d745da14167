import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Watch-only: an address and the output script it pays to, never a key. One account per
  // script, so that no account reads another's watch data.
  await db.schema
    .createTable('watched_addresses')
    .addColumn('script_pubkey', 'text', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('address', 'text', (column) => column.notNull())
    .addColumn('device_id', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('watched_addresses_account').on('watched_addresses').columns(['account_id', 'created_at']).execute();

  // Transactions that concern some account; the state is the chain's, shared by all.
  await db.schema
    .createTable('chain_transactions')
    .addColumn('txid', 'text', (column) => column.primaryKey())
    .addColumn('raw', 'text', (column) => column.notNull())
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('block_height', 'integer')
    .addColumn('block_hash', 'text')
    .addColumn('confirmations', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('replaced_by', 'text')
    .addColumn('first_seen_at', 'timestamptz', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('chain_transactions_state').on('chain_transactions').columns(['state', 'block_height']).execute();

  // Every input of a tracked transaction: how spends and replacements are found.
  await db.schema
    .createTable('transaction_inputs')
    .addColumn('txid', 'text', (column) => column.notNull().references('chain_transactions.txid').onDelete('cascade'))
    .addColumn('vin', 'integer', (column) => column.notNull())
    .addColumn('previous_txid', 'text', (column) => column.notNull())
    .addColumn('previous_vout', 'integer', (column) => column.notNull())
    .addPrimaryKeyConstraint('transaction_inputs_pkey', ['txid', 'vin'])
    .execute();
  await db.schema.createIndex('transaction_inputs_previous').on('transaction_inputs').columns(['previous_txid', 'previous_vout']).execute();

  // Outputs of tracked transactions that pay a watched address.
  await db.schema
    .createTable('transaction_outputs')
    .addColumn('txid', 'text', (column) => column.notNull().references('chain_transactions.txid').onDelete('cascade'))
    .addColumn('vout', 'integer', (column) => column.notNull())
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('script_pubkey', 'text', (column) => column.notNull())
    .addColumn('address', 'text', (column) => column.notNull())
    .addColumn('value_sat', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('transaction_outputs_pkey', ['txid', 'vout'])
    .execute();
  await db.schema.createIndex('transaction_outputs_account').on('transaction_outputs').columns(['account_id', 'script_pubkey']).execute();

  // Which accounts a transaction concerns (it pays them, spends from them, they broadcast it,
  // or it replaced one of theirs): whose devices hear of its changes.
  await db.schema
    .createTable('account_transactions')
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('txid', 'text', (column) => column.notNull().references('chain_transactions.txid').onDelete('cascade'))
    .addPrimaryKeyConstraint('account_transactions_pkey', ['account_id', 'txid'])
    .execute();
  await db.schema.createIndex('account_transactions_txid').on('account_transactions').column('txid').execute();

  await db.schema
    .createTable('payment_requests')
    .addColumn('script_pubkey', 'text', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('address', 'text', (column) => column.notNull())
    .addColumn('amount_sat', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
    .addColumn('expired', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('payment_requests_account').on('payment_requests').columns(['account_id', 'updated_at']).execute();

  // The watcher's view of the best chain's recent blocks, to notice a reorganisation.
  await db.schema
    .createTable('watcher_blocks')
    .addColumn('height', 'integer', (column) => column.primaryKey())
    .addColumn('hash', 'text', (column) => column.notNull())
    .execute();

  // One replica follows the chain at a time: the holder of this lease.
  await db.schema
    .createTable('watcher_lease')
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('holder', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'watcher_lease',
    'watcher_blocks',
    'payment_requests',
    'account_transactions',
    'transaction_outputs',
    'transaction_inputs',
    'chain_transactions',
    'watched_addresses',
  ])
    await db.schema.dropTable(table).execute();
}
