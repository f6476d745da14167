import { migrateToLatest } from '@coming/database';
import { createTestInfrastructure, type TestInfrastructure } from '@coming/testing';
import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentsMigrations } from '../src/migrations';
import type { PaymentsDatabase } from '../src/payments.database';
import { TrackedTransactionsRepository } from '../src/watcher/tracked-transactions.repository';

// The repository on real PostgreSQL, where two transactions can meet on one row.
describe(TrackedTransactionsRepository.name, () => {
  let infrastructure: TestInfrastructure;
  let repository: TrackedTransactionsRepository;

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('payments-tracked');
    await migrateToLatest(infrastructure.db, 'payments', paymentsMigrations);
    repository = new TrackedTransactionsRepository(infrastructure.db as Kysely<PaymentsDatabase>);
  });

  afterAll(async () => {
    await infrastructure?.release();
  });

  it('records a new transaction that a broadcast and the watcher see at the same moment, failing neither', async () => {
    const transactions = Array.from({ length: 20 }, () => ({
      txid: randomBytes(32).toString('hex'),
      inputs: [{ txid: randomBytes(32).toString('hex'), vout: 0 }],
      outputs: [],
      signalsReplacement: true,
      raw: randomBytes(100).toString('hex'),
    }));
    const now = new Date();
    // Each transaction twice at once, as a device's broadcast and the watcher's pass can.
    const outcomes = await Promise.allSettled(
      transactions.flatMap((transaction) => [
        repository.track([transaction], { kind: 'broadcast', accountId: 'coming1alice' }, now),
        repository.track([transaction], { kind: 'broadcast', accountId: 'coming1alice' }, now),
      ]),
    );
    expect(outcomes.filter(({ status }) => status === 'rejected')).toEqual([]);
    for (const { txid } of transactions) expect(await repository.stateOf(txid)).toBe('broadcast');
  });
});
