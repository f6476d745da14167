import { type Address, getAddress, isAddress } from 'viem';
import { invalid } from '../request-checks';

/** An EVM address in its EIP-55 form; a malformed one (or a mixed-case one with a bad checksum) is refused naming the field. */
export function evmAddressOf(value: string, field: string): Address {
  if (!isAddress(value))
    throw invalid(`${field}: "${value.slice(0, 80)}" is not an EVM address (0x and 40 hex digits, EIP-55 when mixed-case)`);
  return getAddress(value);
}

export function evmAddressesOf(values: string[], field: string, range: { min: number; max: number }): Address[] {
  if (values.length < range.min || values.length > range.max) throw invalid(`${field} must hold ${range.min} to ${range.max} addresses`);
  return [...new Set(values.map((value) => evmAddressOf(value, field)))];
}

const TX_HASH = /^0x[0-9a-f]{64}$/;

export function checkTxHashes(hashes: string[], max: number): string[] {
  if (hashes.length > max) throw invalid(`tx_hashes holds ${hashes.length} hashes; at most ${max}`);
  const lower = hashes.map((hash) => hash.toLowerCase());
  const malformed = lower.find((hash) => !TX_HASH.test(hash));
  if (malformed !== undefined) throw invalid(`tx_hashes: "${malformed.slice(0, 80)}" is not 0x and 64 hex digits`);
  return lower;
}
