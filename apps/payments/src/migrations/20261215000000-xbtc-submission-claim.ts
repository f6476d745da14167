import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Who may submit a relayed transfer not yet sent, until when: the relay that recorded it,
  // or the follower's pass on whichever replica holds the lease once that has lapsed. One
  // submitter at a time, so that an authorization is never sent twice (the second would
  // revert on chain, at the relayer's cost, and show the payer a refusal of a paid transfer).
  await db.schema.alterTable('xbtc_transfers').addColumn('submitting_until', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('xbtc_transfers').dropColumn('submitting_until').execute();
}
