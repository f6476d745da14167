import type { ExitCode } from './exit-codes';

/** A failure the CLI itself diagnosed, with the exit code that says which kind. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
