import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Challenges are stateless; only their use is recorded, so each is accepted once.
  await db.schema
    .createTable('used_challenges')
    .addColumn('challenge_hash', 'bytea', (column) => column.primaryKey())
    .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('used_challenges_expires_at_idx').on('used_challenges').column('expires_at').execute();

  // Rotated refresh tokens stay (marked used) until they expire, so that a reused one is
  // recognised and its whole family, every token descended from one login, revoked.
  await db.schema
    .alterTable('refresh_tokens')
    .addColumn('family_id', 'uuid', (column) => column.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('refresh_tokens_family_id_idx').on('refresh_tokens').column('family_id').execute();
  await db.schema.createIndex('refresh_tokens_device_idx').on('refresh_tokens').columns(['account_id', 'device_id']).execute();

  // A device becomes a recipient once it has published its keys. Devices that already
  // logged in before this migration are taken as ready, as they were recipients before.
  await db.schema.alterTable('devices').addColumn('ready_at', 'timestamptz').execute();
  await sql`update devices set ready_at = created_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('ready_at').execute();
  await db.schema.dropIndex('refresh_tokens_device_idx').execute();
  await db.schema.dropIndex('refresh_tokens_family_id_idx').execute();
  await db.schema.alterTable('refresh_tokens').dropColumn('used_at').dropColumn('family_id').execute();
  await db.schema.dropTable('used_challenges').execute();
}
