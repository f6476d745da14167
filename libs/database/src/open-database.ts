import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { Pool } from 'pg';

/** Where a service's tables live: a PostgreSQL server, or PGlite files for a single node. */
export type DatabaseConnection = { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };

/**
 * Opens the database. PGlite has a single connection; its dialect serialises every
 * query and transaction on it, so a single node shares one handle between services.
 */
export async function openDatabase(connection: DatabaseConnection): Promise<Kysely<unknown>> {
  switch (connection.kind) {
    case 'postgres':
      return new Kysely({
        dialect: new PostgresDialect({
          pool: new Pool({ connectionString: connection.url, max: connection.poolSize }),
        }),
      });
    case 'pglite': {
      const pglite = await PGlite.create(connection.dataDir);
      return new Kysely({ dialect: new PGliteDialect(pglite) });
    }
  }
}
