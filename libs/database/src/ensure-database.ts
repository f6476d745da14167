import { Client } from 'pg';

/** Creates the database a URL names, if it does not exist yet, via the server's "postgres" database. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await withMaintenanceClient(url, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) await client.query(`create database ${quoteIdentifier(name)}`);
  });
}

/** Drops the database a URL names, disconnecting anyone still using it. */
export async function dropDatabase(url: string): Promise<void> {
  await withMaintenanceClient(url, (client) =>
    client.query(`drop database if exists ${quoteIdentifier(databaseNameOf(url))} with (force)`),
  );
}

async function withMaintenanceClient<Result>(url: string, use: (client: Client) => Promise<Result>): Promise<Result> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (name === '') throw new Error(`DATABASE_URL ${url} names no database`);
  return name;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
