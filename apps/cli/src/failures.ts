import {
  ClientError,
  ClientErrorCode,
  SmsTransportError,
  SmsTransportErrorCode,
  StoreError,
  StoreErrorCode,
  WalletError,
  WalletErrorCode,
} from '@coming/client';
import { SmsCarrierError, SmsCarrierErrorCode } from '@coming/sms';
import { assertUnreachable } from '@coming/errors';
import { InvalidMnemonicError } from '@coming/identity';
import { wire } from '@coming/proto';
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
  if (error instanceof WalletError) return { exitCode: walletExitCode(error.code), message: error.message };
  if (error instanceof SmsTransportError) return { exitCode: smsTransportExitCode(error.code), message: error.message };
  if (error instanceof SmsCarrierError) return { exitCode: smsCarrierExitCode(error.code), message: error.message };
  if (error instanceof ClientError) return inUserTerms(error) ?? { exitCode: clientExitCode(error.code), message: clientMessage(error) };
  return { exitCode: ExitCode.Failure, message: error instanceof Error ? error.message : String(error) };
}

function walletExitCode(code: WalletErrorCode): ExitCode {
  switch (code) {
    case WalletErrorCode.InvalidAmount:
    case WalletErrorCode.InvalidAddress:
    case WalletErrorCode.WrongNetwork:
    case WalletErrorCode.Dust:
    case WalletErrorCode.InvalidFeeRate:
    case WalletErrorCode.InvalidPsbt:
    case WalletErrorCode.InvalidAuthorization:
      return ExitCode.Usage;
    case WalletErrorCode.BroadcastRejected:
      return ExitCode.Refused;
    case WalletErrorCode.InsufficientFunds:
    case WalletErrorCode.FeeAboveMaximum:
    case WalletErrorCode.NotReplaceable:
    case WalletErrorCode.NoWallet:
    case WalletErrorCode.Unverifiable:
      return ExitCode.Failure;
    default:
      return assertUnreachable(code);
  }
}

function smsTransportExitCode(code: SmsTransportErrorCode): ExitCode {
  switch (code) {
    case SmsTransportErrorCode.InvalidOptions:
    case SmsTransportErrorCode.InvalidRoute:
    case SmsTransportErrorCode.NoRoute:
    case SmsTransportErrorCode.NotConfigured:
      return ExitCode.Usage;
    case SmsTransportErrorCode.NoSession:
    case SmsTransportErrorCode.MalformedSms:
    case SmsTransportErrorCode.NotTaken:
      return ExitCode.Failure;
    default:
      return assertUnreachable(code);
  }
}

function smsCarrierExitCode(code: SmsCarrierErrorCode): ExitCode {
  switch (code) {
    case SmsCarrierErrorCode.InvalidConfig:
    case SmsCarrierErrorCode.InvalidNumber:
    case SmsCarrierErrorCode.InvalidPart:
      return ExitCode.Usage;
    case SmsCarrierErrorCode.Unavailable:
    case SmsCarrierErrorCode.Timeout:
      return ExitCode.Unreachable;
    case SmsCarrierErrorCode.BindRefused:
    case SmsCarrierErrorCode.SendRejected:
    case SmsCarrierErrorCode.Throttled:
      return ExitCode.Refused;
    case SmsCarrierErrorCode.MalformedInput:
    case SmsCarrierErrorCode.CommandFailed:
    case SmsCarrierErrorCode.Closed:
      return ExitCode.Failure;
    default:
      return assertUnreachable(code);
  }
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

/** Server answers that name what the user got wrong, or what became of this device, told in those words. */
function inUserTerms(error: ClientError): Failure | undefined {
  switch (error.serverError?.code) {
    case wire.ErrorCode.ERROR_CODE_UNKNOWN_DEVICE:
      return { exitCode: ExitCode.Usage, message: `no such device in this account ("coming devices" lists them): ${error.message}` };
    case wire.ErrorCode.ERROR_CODE_UNKNOWN_PROVISIONING_ADDRESS:
      return {
        exitCode: ExitCode.Usage,
        message: `no new device waits with this link code: it expired or was used; run "coming link" again for a new one`,
      };
    default:
      break;
  }
  // The gateway's login refusal names this code when the device's certificate is refused
  // for good, which happens once its device was removed.
  if (error.code === ClientErrorCode.Unauthenticated && error.message.includes('CERTIFICATE_REJECTED')) {
    return {
      exitCode: ExitCode.Displaced,
      message: `this device was removed from its account: the server refuses its certificate (${error.message})`,
    };
  }
  return undefined;
}

function clientMessage(error: ClientError): string {
  if (error.code === ClientErrorCode.TooManyDevices) {
    return `the account already has the most devices it may: remove one before adding this one (${error.message})`;
  }
  return error.message;
}
