import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@coming/client';

/** What a running daemon leaves in its home, so that other commands go through it. */
export interface DaemonFile {
  pid: number;
  socket: string;
}

const DAEMON_FILE = 'daemon.json';

export function defaultSocketOf(home: string): string {
  return join(home, 'daemon.sock');
}

export async function readDaemonFile(home: string): Promise<DaemonFile | undefined> {
  try {
    return JSON.parse(await readFile(join(home, DAEMON_FILE), 'utf8')) as DaemonFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function writeDaemonFile(home: string, file: DaemonFile): Promise<void> {
  await writeFileAtomically(join(home, DAEMON_FILE), JSON.stringify(file));
}

export async function removeDaemonFile(home: string): Promise<void> {
  await rm(join(home, DAEMON_FILE), { force: true });
}
