import type { payments } from '@coming/proto';
import { FrameError, FrameErrorCode } from '../frames/frame.errors';

/**
 * The answers' one expected refusal, addresses the account may not touch, becomes FORBIDDEN
 * naming them. `why` says which refusal it is: for Bitcoin and X-BTC watching, another account
 * watches them; X-BTC reads and relays also refuse addresses nobody watches, without saying which.
 */
export function refuseForeign<Response extends { foreignAddresses?: payments.ForeignAddresses | undefined }>(
  response: Response,
  why = 'watched by another account',
): Response {
  if (response.foreignAddresses !== undefined) {
    throw new FrameError(FrameErrorCode.Forbidden, `${why}: ${response.foreignAddresses.addresses.join(', ')}`);
  }
  return response;
}

/** A response field the payments service always sets; its absence is a fault, not a client error. */
export function required<Value>(value: Value | undefined, field: string): Value {
  if (value === undefined) throw new Error(`payments answered without ${field}`);
  return value;
}
