import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A linked device logs in with its own key, certified by the account key; a primary has
  // none (it signs with the account key). Names are sealed by clients; the server cannot read them.
  await db.schema
    .alterTable('devices')
    .addColumn('device_public_key', 'bytea')
    .addColumn('encrypted_name', 'bytea')
    .addColumn('last_seen_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`update devices set last_seen_at = last_login_at`.execute(db);
  await db.schema.createIndex('devices_last_seen_at_idx').on('devices').column('last_seen_at').execute();
  // One device per certified key, so that a retried first login finds its device again.
  await db.schema
    .createIndex('devices_device_public_key_idx')
    .unique()
    .on('devices')
    .columns(['account_id', 'device_public_key'])
    .where(sql.ref('device_public_key'), 'is not', null)
    .execute();

  // Devices that left their account. A row keeps the removed device's key, whose certificate
  // can never log in again, and stays pending until the mailbox and keys confirmed they
  // purged the device; its ID is not given out again until then.
  await db.schema
    .createTable('removed_devices')
    .addColumn('account_id', 'text', (column) => column.notNull())
    .addColumn('device_id', 'integer', (column) => column.notNull())
    .addColumn('removed_at', 'timestamptz', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull().check(sql`reason in ('removed', 'expired')`))
    .addColumn('device_public_key', 'bytea')
    .addColumn('mailbox_purged_at', 'timestamptz')
    .addColumn('keys_purged_at', 'timestamptz')
    .addPrimaryKeyConstraint('removed_devices_pkey', ['account_id', 'device_id', 'removed_at'])
    .execute();
  await db.schema
    .createIndex('removed_devices_device_public_key_idx')
    .on('removed_devices')
    .columns(['account_id', 'device_public_key'])
    .where(sql.ref('device_public_key'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('removed_devices_pending_idx')
    .on('removed_devices')
    .column('removed_at')
    .where(sql<boolean>`mailbox_purged_at is null or keys_purged_at is null`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('removed_devices').execute();
  await db.schema.dropIndex('devices_device_public_key_idx').execute();
  await db.schema.dropIndex('devices_last_seen_at_idx').execute();
  await db.schema.alterTable('devices').dropColumn('last_seen_at').dropColumn('encrypted_name').dropColumn('device_public_key').execute();
}
