import { ClientError, ClientErrorCode, StoreError, StoreErrorCode } from '@coming/client';
import { assertUnreachable } from '@coming/errors';
import { InvalidMnemonicError } from '@coming/identity';
import { CommanderError } from 'commander';
import { CliError } from './cli.errors';
import { ExitCode } from './exit-codes';

export interface Failure {
  exitCode: ExitCode;
  /** What to print after "error: "; undefined when it was printed already (commander's usage errors). */
  message: string | undefined;
}

/** The exit code and message for what a command threw; the README's exit-code table follows this. */
export function failureOf(error: unknown): Failure {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof CommanderError) {
    // --help and --version end parsing with an "error" too.
    return { exitCode: error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage, message: undefined };
  }
  if (error instanceof InvalidMnemonicError) return { exitCode: ExitCode.Usage, message: error.message };
  if (error instanceof StoreError) return { exitCode: storeExitCode(error.code), message: error.message };
  if (error instanceof ClientError) return { exitCode: clientExitCode(error.code), message: clientMessage(error) };
  return { exitCode: ExitCode.Failure, message: error instanceof Error ? error.message : String(error) };
}

function storeExitCode(code: StoreErrorCode): ExitCode {
  switch (code) {
    case StoreErrorCode.WrongPassphrase:
    case StoreErrorCode.Damaged:
    case StoreErrorCode.UnknownFormat:
      return ExitCode.Locked;
    default:
      return assertUnreachable(code);
  }
}

function clientExitCode(code: ClientErrorCode): ExitCode {
  switch (code) {
    case ClientErrorCode.ServerUnreachable:
    case ClientErrorCode.ConnectionLost:
    case ClientErrorCode.Timeout:
      return ExitCode.Unreachable;
    case ClientErrorCode.Displaced:
    case ClientErrorCode.Revoked:
      return ExitCode.Displaced;
    case ClientErrorCode.Rejected:
    case ClientErrorCode.Unauthenticated:
    case ClientErrorCode.TooManyDevices:
    case ClientErrorCode.Refused:
      return ExitCode.Refused;
    case ClientErrorCode.InvalidArgument:
      return ExitCode.Usage;
    case ClientErrorCode.Identity:
    case ClientErrorCode.UntrustedIdentity:
    case ClientErrorCode.Undecryptable:
    case ClientErrorCode.UnexpectedContent:
    case ClientErrorCode.StoreFailed:
      return ExitCode.Failure;
    default:
      return assertUnreachable(code);
  }
}

function clientMessage(error: ClientError): string {
  if (error.code === ClientErrorCode.TooManyDevices) {
    return `the account already has the most devices it may: remove one before adding this one (${error.message})`;
  }
  return error.message;
}
