import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('identity_keys')
    .addColumn('account_id', 'text', (column) => column.primaryKey())
    .addColumn('public_key', 'bytea', (column) => column.notNull())
    .addColumn('account_signature', 'bytea', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('device_keys')
    .addColumn('account_id', 'text', (column) => column.notNull().references('identity_keys.account_id').onDelete('cascade'))
    .addColumn('device_id', 'integer', (column) => column.notNull())
    .addColumn('registration_id', 'integer', (column) => column.notNull())
    .addColumn('signed_pre_key_id', 'integer', (column) => column.notNull())
    .addColumn('signed_pre_key', 'bytea', (column) => column.notNull())
    .addColumn('signed_pre_key_signature', 'bytea', (column) => column.notNull())
    .addColumn('last_resort_key_id', 'integer', (column) => column.notNull())
    .addColumn('last_resort_key', 'bytea', (column) => column.notNull())
    .addColumn('last_resort_signature', 'bytea', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('device_keys_pkey', ['account_id', 'device_id'])
    .execute();
  for (const table of ['one_time_pre_keys', 'one_time_kyber_pre_keys']) {
    let builder = db.schema
      .createTable(table)
      .addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('device_id', 'integer', (column) => column.notNull())
      .addColumn('key_id', 'integer', (column) => column.notNull())
      .addColumn('public_key', 'bytea', (column) => column.notNull());
    if (table === 'one_time_kyber_pre_keys') builder = builder.addColumn('signature', 'bytea', (column) => column.notNull());
    await builder
      .addPrimaryKeyConstraint(`${table}_pkey`, ['account_id', 'device_id', 'key_id'])
      .addForeignKeyConstraint(
        `${table}_device_fkey`,
        ['account_id', 'device_id'],
        'device_keys',
        ['account_id', 'device_id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['one_time_kyber_pre_keys', 'one_time_pre_keys', 'device_keys', 'identity_keys'])
    await db.schema.dropTable(table).execute();
}
