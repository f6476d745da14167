import { read } from 'read';
import { CliError } from '../cli.errors';
import type { CliIo } from '../cli-io';
import { ExitCode } from '../exit-codes';

/**
 * Asks on the terminal; with `silent`, nothing typed is echoed (passphrases, recovery
 * phrases). Without a terminal there is nobody to ask: `otherwise` names what to pass instead.
 */
export async function ask(io: CliIo, prompt: string, { silent, otherwise }: { silent: boolean; otherwise: string }): Promise<string> {
  if (!io.stdinIsTTY) throw new CliError(ExitCode.Usage, `no terminal to ask "${prompt.trim()}": ${otherwise}`);
  const output = io.stderr as NodeJS.WritableStream;
  try {
    const answer = await read({ prompt, silent, replace: '', input: io.stdin, output, terminal: true });
    // Nothing was echoed, not even the Enter that ended the answer.
    if (silent) io.stderr.write('\n');
    return answer;
  } catch (error) {
    // read rejects with "canceled" on Ctrl-C at the prompt.
    throw new CliError(ExitCode.Failure, `not answered: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** All of standard input, as text without its trailing newline. */
export async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
