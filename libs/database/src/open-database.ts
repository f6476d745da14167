import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { Pool } from 'pg';

/** Where a service's tables live: a PostgreSQL server, or PGlite files for a single node. */
export type DatabaseConnection =
  | {
      kind: 'postgres';
      url: string;
      poolSize: number;
      /** Told when the server drops an idle connection (a restart, a failover); defaults to ignoring it. */
      onIdleConnectionError?: (error: Error) => void;
    }
  | { kind: 'pglite'; dataDir: string };

/**
 * Opens the database. PGlite has a single connection; its dialect serialises every
 * query and transaction on it, so a single node shares one handle between services.
 */
export async function openDatabase(connection: DatabaseConnection): Promise<Kysely<unknown>> {
  switch (connection.kind) {
    case 'postgres': {
      const pool = new Pool({ connectionString: connection.url, max: connection.poolSize });
      // pg emits an idle connection's failure on the pool, and an unhandled 'error' event
      // would end the process. The pool has already discarded that connection and opens a
      // new one on demand, so a PostgreSQL restart costs the queries in flight, not the service.
      pool.on('error', connection.onIdleConnectionError ?? (() => undefined));
      return new Kysely({ dialect: new PostgresDialect({ pool }) });
    }
    case 'pglite': {
      const pglite = await PGlite.create(connection.dataDir);
      return new Kysely({ dialect: new PGliteDialect(pglite) });
    }
  }
}
