import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // When the account first published keys: the age behind the new-account fetch budget.
  await db.schema
    .alterTable('identity_keys')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('fetch_budgets')
    .addColumn('bucket', 'text', (column) => column.primaryKey())
    .addColumn('tokens', 'double precision', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('fetch_budgets_updated_at').on('fetch_budgets').column('updated_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('fetch_budgets').execute();
  await db.schema.alterTable('identity_keys').dropColumn('created_at').execute();
}
