import { InvalidAddressError, type NetworkParameters, scriptPubKeyOf } from '@coming/chain';
import { isAccountId } from '@coming/identity';
import { MAX_DEVICE_ID } from '@coming/proto';
import { PaymentsError, PaymentsErrorCode } from './payments.errors';
import type { WatchedScript } from './watch/watch-list.repository';

// Checks shared by every RPC: each names the field at fault, so that a caller's mistake is an
// INVALID_ARGUMENT that says what was wrong, never a fault of the service.

export function invalid(message: string): PaymentsError {
  return new PaymentsError(PaymentsErrorCode.InvalidArgument, message);
}

export function checkAccount(accountId: string): void {
  if (!isAccountId(accountId)) throw invalid('account_id is not a bech32m account ID with prefix "coming"');
}

export function checkDevice(accountId: string, deviceId: number): void {
  checkAccount(accountId);
  if (!Number.isInteger(deviceId) || deviceId < 1 || deviceId > MAX_DEVICE_ID) throw invalid(`device_id must be 1 to ${MAX_DEVICE_ID}`);
}

/** Each address's output script on the watched network; an address of another network is refused by name. */
export function scriptsOf(
  addresses: string[],
  parameters: NetworkParameters,
  field: string,
  range: { min: number; max: number },
): WatchedScript[] {
  if (addresses.length < range.min || addresses.length > range.max)
    throw invalid(`${field} must hold ${range.min} to ${range.max} addresses`);
  const unique = [...new Set(addresses)];
  return unique.map((address) => {
    try {
      return { address, scriptPubKey: scriptPubKeyOf(address, parameters) };
    } catch (error) {
      if (error instanceof InvalidAddressError) throw invalid(`${field}: ${error.message}`);
      throw error;
    }
  });
}

const TXID = /^[0-9a-f]{64}$/;

export function checkTxids(txids: string[], max: number): void {
  if (txids.length > max) throw invalid(`txids holds ${txids.length} txids; at most ${max}`);
  const malformed = txids.find((txid) => !TXID.test(txid));
  if (malformed !== undefined) throw invalid(`txids: "${malformed.slice(0, 80)}" is not 64 lowercase hex characters`);
}

/** A limit of 0 means the default; otherwise 1 to max. */
export function limitOf(limit: number, fallback: number, max: number): number {
  if (limit === 0) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw invalid(`limit must be 1 to ${max}, or 0 for ${fallback}`);
  return limit;
}
