import { wire } from '@coming/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, ClientErrorCode } from './client.errors';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 3_000;

/** Exponential backoff with full jitter, so reconnecting clients do not arrive in lockstep. */
export function backoffMs(attempt: number): number {
  return Math.random() * Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
}

export function backoff(attempt: number): Promise<void> {
  return sleep(backoffMs(attempt));
}

/**
 * How long to wait before trying a request again after `error`, or undefined when trying
 * again cannot help. Only a server that did not answer (unreachable, connection lost, no
 * answer in time, UNAVAILABLE) is worth another try, after a backoff; RATE_LIMITED is, after
 * the time the server asked for. Every other answer (INVALID_ARGUMENT, UNKNOWN_ACCOUNT,
 * BAD_SIGNATURE, INTERNAL...) would only come back the same, so it fails at once.
 */
export function retryDelayMs(error: unknown, attempt: number): number | undefined {
  if (!(error instanceof ClientError)) return undefined;
  switch (error.code) {
    case ClientErrorCode.ServerUnreachable:
    case ClientErrorCode.ConnectionLost:
    case ClientErrorCode.Timeout:
      return backoffMs(attempt);
    case ClientErrorCode.Rejected:
      return rejectionDelayMs(error.serverError, attempt);
    case ClientErrorCode.Unauthenticated:
    case ClientErrorCode.Displaced:
    case ClientErrorCode.Revoked:
    case ClientErrorCode.TooManyDevices:
    case ClientErrorCode.Identity:
    case ClientErrorCode.UntrustedIdentity:
    case ClientErrorCode.Undecryptable:
    case ClientErrorCode.InvalidArgument:
    case ClientErrorCode.Refused:
    case ClientErrorCode.StoreFailed:
    case ClientErrorCode.UnexpectedContent:
      return undefined;
  }
}

function rejectionDelayMs(serverError: wire.Error | undefined, attempt: number): number | undefined {
  switch (serverError?.code) {
    case wire.ErrorCode.ERROR_CODE_UNAVAILABLE:
      return backoffMs(attempt);
    case wire.ErrorCode.ERROR_CODE_RATE_LIMITED:
      return Math.max(serverError.retryAfterMs, backoffMs(attempt));
    default:
      return undefined;
  }
}
