import { runCli } from './cli';

const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort());
// `coming history bob | head -1`: the reader has what it wanted; stop quietly, as other tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdinIsTTY: process.stdin.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupted: interrupted.signal,
}).then(exitOnceFlushed, (error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitOnceFlushed(1);
});

/**
 * Exits as soon as what was printed is out: an attempt to reach a silent server, given up
 * at the deadline, must not hold the process open until its own timeout.
 */
function exitOnceFlushed(code: number) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
