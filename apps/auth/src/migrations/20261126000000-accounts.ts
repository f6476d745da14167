import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('account_id', 'text', (column) => column.primaryKey())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('devices')
    .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.account_id').onDelete('cascade'))
    .addColumn('device_id', 'integer', (column) => column.notNull().check(sql`device_id between 1 and 127`))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('last_login_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('devices_pkey', ['account_id', 'device_id'])
    .execute();
  await db.schema
    .createTable('refresh_tokens')
    .addColumn('token_hash', 'bytea', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('device_id', 'integer', (column) => column.notNull())
    .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
    .addForeignKeyConstraint(
      'refresh_tokens_device_fkey',
      ['account_id', 'device_id'],
      'devices',
      ['account_id', 'device_id'],
      (constraint) => constraint.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('refresh_tokens_expires_at_idx').on('refresh_tokens').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refresh_tokens').execute();
  await db.schema.dropTable('devices').execute();
  await db.schema.dropTable('accounts').execute();
}
