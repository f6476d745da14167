import { type Kysely, sql } from 'kysely';

/**
 * Counters of what each mailbox holds, kept exact in the transactions that insert and
 * delete envelopes, so the capacity checks are one row each instead of a count.
 * Envelopes stored before this migration have no recorded sender (''); they count
 * towards their device's capacity and towards the quota of sender '' only. A device's
 * own account has no quota row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('envelopes')
    .addColumn('source_account', 'text', (column) => column.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('envelopes')
    .alterColumn('source_account', (column) => column.dropDefault())
    .execute();
  await db.schema
    .createTable('mailbox_holdings')
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('device_id', 'integer', (column) => column.notNull())
    .addColumn('held', 'integer', (column) => column.notNull().check(sql`held >= 0`))
    .addPrimaryKeyConstraint('mailbox_holdings_pkey', ['account_id', 'device_id'])
    .execute();
  await db.schema
    .createTable('sender_holdings')
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('device_id', 'integer', (column) => column.notNull())
    .addColumn('source_account', 'text', (column) => column.notNull())
    .addColumn('held', 'integer', (column) => column.notNull().check(sql`held >= 0`))
    .addPrimaryKeyConstraint('sender_holdings_pkey', ['account_id', 'device_id', 'source_account'])
    .execute();
  await sql`insert into mailbox_holdings (account_id, device_id, held)
    select account_id, device_id, count(*) from envelopes group by account_id, device_id`.execute(db);
  await sql`insert into sender_holdings (account_id, device_id, source_account, held)
    select account_id, device_id, source_account, count(*) from envelopes
    where source_account <> account_id group by account_id, device_id, source_account`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sender_holdings').execute();
  await db.schema.dropTable('mailbox_holdings').execute();
  await db.schema.alterTable('envelopes').dropColumn('source_account').execute();
}
