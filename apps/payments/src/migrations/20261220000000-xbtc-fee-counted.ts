import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Whether a relayed transfer's fee went into the fee counter: once, the first time it is
  // mined. A reorganisation mines it again, and the relayer is paid once.
  await db.schema
    .alterTable('xbtc_transfers')
    .addColumn('fee_counted', 'boolean', (column) => column.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('xbtc_transfers').dropColumn('fee_counted').execute();
}
