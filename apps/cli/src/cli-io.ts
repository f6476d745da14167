import type { Readable } from 'node:stream';

/** What a command reads and writes: the process's own streams, or a test's. */
export interface CliIo {
  stdin: Readable;
  /** A terminal, where passphrases and confirmations can be asked for. */
  stdinIsTTY: boolean;
  /** Output goes to a terminal, which can show a QR code; a file or pipe gets text only. */
  stdoutIsTTY: boolean;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C or SIGTERM: a command that waits stops there and exits cleanly. */
  interrupted: AbortSignal;
}
