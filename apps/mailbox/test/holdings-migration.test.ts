import { migrateToLatest } from '@coming/database';
import { createTestInfrastructure, type TestInfrastructure } from '@coming/testing';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxMigrations } from '../src/migrations';

const FIRST = '20261126000000-envelopes';

describe('holdings migration', () => {
  let infrastructure: TestInfrastructure;

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('mailbox_migration');
  });

  afterAll(async () => {
    await infrastructure.release();
  });

  it('counts the envelopes stored before it, per device and under sender ""', async () => {
    await migrateToLatest(infrastructure.db, 'mailbox', { [FIRST]: mailboxMigrations[FIRST]! });
    const legacy = (accountId: string, deviceId: number) =>
      sql`insert into envelopes (server_guid, account_id, device_id, envelope, expires_at)
        values (${randomBytes(16)}, ${accountId}, ${deviceId}, ${randomBytes(8)}, now() + interval '1 day')`.execute(infrastructure.db);
    await Promise.all([legacy('coming1a', 1), legacy('coming1a', 1), legacy('coming1a', 2), legacy('coming1b', 1)]);

    await migrateToLatest(infrastructure.db, 'mailbox', mailboxMigrations);

    const devices = await sql<{ account_id: string; device_id: number; held: number }>`
      select account_id, device_id, held from mailbox_holdings order by account_id, device_id`.execute(infrastructure.db);
    expect(devices.rows).toEqual([
      { account_id: 'coming1a', device_id: 1, held: 2 },
      { account_id: 'coming1a', device_id: 2, held: 1 },
      { account_id: 'coming1b', device_id: 1, held: 1 },
    ]);
    const senders = await sql<{ account_id: string; device_id: number; source_account: string; held: number }>`
      select account_id, device_id, source_account, held from sender_holdings order by account_id, device_id`.execute(infrastructure.db);
    expect(senders.rows).toEqual(devices.rows.map((row) => ({ ...row, source_account: '' })));
  });
});
