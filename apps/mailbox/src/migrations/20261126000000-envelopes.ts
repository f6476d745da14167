import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('envelopes')
    .addColumn('sequence', 'bigserial', (column) => column.primaryKey())
    .addColumn('server_guid', 'bytea', (column) => column.notNull().unique())
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('device_id', 'integer', (column) => column.notNull())
    .addColumn('envelope', 'bytea', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('envelopes_mailbox_idx').on('envelopes').columns(['account_id', 'device_id', 'sequence']).execute();
  await db.schema.createIndex('envelopes_expires_at_idx').on('envelopes').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('envelopes').execute();
}
