import { type Kysely, type Migration, Migrator } from 'kysely';

/**
 * Applies a service's migrations. Each service keeps its own migration table, and
 * Kysely holds a PostgreSQL advisory lock while migrating, so replicas booting at once
 * apply each migration exactly once.
 */
export async function migrateToLatest(db: Kysely<unknown>, service: string, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: `${service}_migration`,
    migrationLockTableName: `${service}_migration_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`${service}: migration ${name} failed`, { cause: error });
  }
}
