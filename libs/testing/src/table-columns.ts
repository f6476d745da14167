import type { Kysely } from 'kysely';

/** Each table's declared columns, typed so the compiler keeps them in step with the table types. */
export type DeclaredColumns<Database> = { [Table in keyof Database]: Record<keyof Database[Table], true> };

/** Fails unless every declared table exists in the migrated database with exactly the declared columns. */
export async function tableColumnMismatches<Database>(db: Kysely<unknown>, declared: DeclaredColumns<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return Object.entries(declared).flatMap(([table, columns]) => {
    const actual =
      tables
        .find((each) => each.name === table)
        ?.columns.map((column) => column.name)
        .sort() ?? [];
    const expected = Object.keys(columns as object).sort();
    return actual.join(',') === expected.join(',')
      ? []
      : [`${table}: migrations have [${actual.join(', ')}], types declare [${expected.join(', ')}]`];
  });
}
