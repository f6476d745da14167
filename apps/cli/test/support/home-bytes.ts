import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file of a home, as bytes. */
async function homeFiles(home: string): Promise<Buffer[]> {
  const names = await readdir(home);
  return Promise.all(names.map((name) => readFile(join(home, name))));
}

/** True when any file of `home` holds `secret`, raw, as hex or as base64. */
export async function homeHolds(home: string, secret: Uint8Array | string): Promise<boolean> {
  const bytes = Buffer.from(secret);
  const forms = [bytes, Buffer.from(bytes.toString('hex')), Buffer.from(bytes.toString('base64'))];
  return (await homeFiles(home)).some((file) => forms.some((form) => file.includes(form)));
}
