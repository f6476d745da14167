import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase } from '../src/ensure-database';
import { openDatabase } from '../src/open-database';

// libs/testing builds on this library, so this test names its database itself.
const url = `${process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432'}/coming_test_open_database_${randomBytes(4).toString('hex')}`;

describe(openDatabase.name, () => {
  beforeAll(() => ensureDatabase(url));
  afterAll(() => dropDatabase(url));

  it('survives the server dropping its idle connections, as a PostgreSQL restart does', async () => {
    const dropped: Error[] = [];
    const db = await openDatabase({ kind: 'postgres', url, poolSize: 2, onIdleConnectionError: (error) => dropped.push(error) });
    await sql`select 1`.execute(db);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    // Ends every other session on this database: the pool's idle connection among them.
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    await admin.end();
    await expect.poll(() => dropped.length).toBeGreaterThan(0);
    const { rows } = await sql<{ answer: number }>`select 42 as answer`.execute(db);
    expect(rows).toEqual([{ answer: 42 }]);
    await db.destroy();
  });
});
