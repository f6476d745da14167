import { ClientError, ClientErrorCode, type ComingClient } from '@coming/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../cli.errors';
import type { CliIo } from '../cli-io';
import { ExitCode } from '../exit-codes';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 3_000;

/**
 * Connects, trying again while the server does not answer, until `deadline` (ms since the
 * epoch; none: until interrupted). Says so once on stderr, so that a user facing a down
 * server sees why nothing happens, and fails with exit 3 once the deadline passes.
 */
export async function connectWithin(client: ComingClient, io: CliIo, server: string, deadline: number | undefined): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const remaining = deadline === undefined ? undefined : deadline - Date.now();
    try {
      await withDeadline(client.connect(), remaining, server);
      if (attempt > 0) io.stderr.write(`connected to ${server}\n`);
      return;
    } catch (error) {
      if (!unanswered(error)) throw error;
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
      if (deadline !== undefined && Date.now() + delay >= deadline) throw timedOut(server, error);
      if (attempt === 0) {
        const until = deadline === undefined ? 'until it answers (Ctrl-C stops)' : `for ${Math.ceil((deadline - Date.now()) / 1000)} s`;
        io.stderr.write(`retrying: ${(error as Error).message}; trying again ${until}\n`);
      }
      await sleep(delay, undefined, { signal: io.interrupted }).catch(() => {
        throw new CliError(ExitCode.Unreachable, `interrupted while waiting for ${server}`);
      });
    }
  }
}

/** Only a server that did not answer is worth another try; an answer (no, wrong token...) stays the same. */
function unanswered(error: unknown): boolean {
  return (
    error instanceof ClientError &&
    (error.code === ClientErrorCode.ServerUnreachable ||
      error.code === ClientErrorCode.ConnectionLost ||
      error.code === ClientErrorCode.Timeout)
  );
}

function timedOut(server: string, cause: unknown): CliError {
  return new CliError(ExitCode.Unreachable, `${server} did not answer in time: ${(cause as Error).message}`, { cause });
}

/** One attempt, cut short at the deadline: a half-open connection to a silent host can take far longer. */
async function withDeadline(attempt: Promise<void>, remainingMs: number | undefined, server: string): Promise<void> {
  if (remainingMs === undefined) return attempt;
  // Once the deadline has won, the attempt's own failure has nobody left to hear it.
  attempt.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ClientError(ClientErrorCode.Timeout, `no answer from ${server}`)), Math.max(0, remainingMs));
  });
  try {
    return await Promise.race([attempt, expired]);
  } finally {
    clearTimeout(timer);
  }
}
