import { generateSigningKey } from '@coming/access-token';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The node's token signing key, made on first start and kept so tokens survive restarts. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<string> {
  const path = join(dataDir, 'auth-signing-key');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateSigningKey();
  await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
