import type { Migration } from 'kysely';
import * as keys from './20261127000000-keys';
import * as fetchBudgets from './20261201000000-fetch-budgets';

/** Every keys migration, by name in the order they apply. Never edit one that has landed. */
export const keysMigrations: Record<string, Migration> = {
  '20261127000000-keys': keys,
  '20261201000000-fetch-budgets': fetchBudgets,
};
