import { InvalidAccountIdError, parseAccountId } from '@coming/identity';
import { MAX_DEVICE_ID } from '@coming/proto';

/** Builds the calling feature's INVALID_ARGUMENT error from a message naming the field. */
export type InvalidArgument = (message: string) => Error;

/** The canonical (lower-case) account ID of a request field. */
export function accountIdField(value: string, invalid: InvalidArgument): string {
  if (value === '') throw invalid('account_id is required');
  try {
    return parseAccountId(value);
  } catch (error) {
    if (error instanceof InvalidAccountIdError) throw invalid(`account_id: ${error.message}`);
    throw error;
  }
}

/** A device ID, 1 to MAX_DEVICE_ID, or also 0 where it asks for a new device. */
export function deviceIdField(value: number, { newAllowed }: { newAllowed: boolean }, invalid: InvalidArgument): number {
  const lowest = newAllowed ? 0 : 1;
  if (!Number.isInteger(value) || value < lowest || value > MAX_DEVICE_ID) {
    throw invalid(`device_id must be ${newAllowed ? '0 (new device) or ' : ''}1 to ${MAX_DEVICE_ID}, got ${value}`);
  }
  return value;
}

/** A required text field of bounded length. */
export function textField(field: string, value: string, maxLength: number, invalid: InvalidArgument): string {
  if (value === '') throw invalid(`${field} is required`);
  if (value.length > maxLength) throw invalid(`${field} must be at most ${maxLength} characters`);
  return value;
}
