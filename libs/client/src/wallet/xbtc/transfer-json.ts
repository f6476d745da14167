import type { Address, Hex } from 'viem';
import { WalletError, WalletErrorCode } from '../wallet.errors';
import { checkEvmAddress } from './evm-address';
import { TRANSFER_WITH_FEE_TYPES, xbtcDomain } from '@coming/xbtc';
import { type TransferWithFee, signerOf } from './transfer-with-fee';
import type { XbtcToken } from './xbtc-chain-api';

// eth_signTypedData_v4 wants the domain's type spelled out next to the message's.
const EIP712_DOMAIN_TYPE = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
];
const UINT = /^\d{1,78}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** The portable form of an X-BTC transfer: EIP-712 typed data as eth_signTypedData_v4 takes it, and the signature once there is one. */
interface TransferJson {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: Record<string, readonly { name: string; type: string }[]>;
  primaryType: string;
  message: Record<keyof TransferWithFee, string>;
  signature?: string;
}

/**
 * The authorization as JSON text: EIP-712 typed data any EIP-712 signer can show and sign
 * (amounts as decimal strings, JSON having no integers that large), with the signature
 * once there is one. It holds no key.
 */
export function exportTransfer(token: XbtcToken, authorization: TransferWithFee, signature: Hex | undefined): string {
  const json: TransferJson = {
    domain: xbtcDomain(token.chainId, token.address),
    types: { EIP712Domain: EIP712_DOMAIN_TYPE, ...TRANSFER_WITH_FEE_TYPES },
    primaryType: 'TransferWithFee',
    message: {
      from: authorization.from,
      to: authorization.to,
      value: authorization.value.toString(),
      fee: authorization.fee.toString(),
      validAfter: authorization.validAfter.toString(),
      validBefore: authorization.validBefore.toString(),
      nonce: authorization.nonce,
    },
    ...(signature === undefined ? {} : { signature }),
  };
  return JSON.stringify(json, undefined, 2);
}

/** Reads what exportTransfer wrote; INVALID_AUTHORIZATION names what is wrong, a signature by anyone but `from` included. */
export function importTransfer(text: string): { token: XbtcToken; authorization: TransferWithFee; signature?: Hex } {
  let json: Partial<TransferJson>;
  try {
    json = JSON.parse(text) as Partial<TransferJson>;
  } catch (error) {
    throw invalid('it is not JSON', error);
  }
  const { domain, types, primaryType, message, signature } = json;
  if (domain?.name !== 'X-BTC' || domain.version !== '1' || !Number.isSafeInteger(domain.chainId)) {
    throw invalid('its EIP-712 domain is not X-BTC version 1 with a chain ID');
  }
  if (
    primaryType !== 'TransferWithFee' ||
    JSON.stringify(types?.TransferWithFee) !== JSON.stringify(TRANSFER_WITH_FEE_TYPES.TransferWithFee)
  ) {
    throw invalid("it is not a TransferWithFee of the token's type");
  }
  if (typeof message !== 'object' || message === null) throw invalid('it has no message');
  const token = { chainId: domain.chainId, address: addressOf(domain.verifyingContract, 'verifyingContract') };
  const authorization: TransferWithFee = {
    from: addressOf(message.from, 'from'),
    to: addressOf(message.to, 'to'),
    value: uintOf(message.value, 'value'),
    fee: uintOf(message.fee, 'fee'),
    validAfter: uintOf(message.validAfter, 'validAfter'),
    validBefore: uintOf(message.validBefore, 'validBefore'),
    nonce: nonceOf(message.nonce),
  };
  if (authorization.value === 0n) throw invalid('its value is zero');
  if (signature === undefined) return { token, authorization };
  if (typeof signature !== 'string' || signerOf(token, authorization, signature as Hex) !== authorization.from) {
    throw invalid(`its signature is not one by ${authorization.from} over this authorization`);
  }
  return { token, authorization, signature: signature as Hex };
}

function addressOf(value: unknown, field: string): Address {
  if (typeof value !== 'string') throw invalid(`its ${field} is not an address`);
  try {
    return checkEvmAddress(value);
  } catch (error) {
    throw invalid(`its ${field}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function uintOf(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !UINT.test(value) || BigInt(value) >= 2n ** 256n) {
    throw invalid(`its ${field} is not a uint256 in decimal digits`);
  }
  return BigInt(value);
}

function nonceOf(value: unknown): Hex {
  if (typeof value !== 'string' || !BYTES32.test(value)) throw invalid('its nonce is not 0x and 64 hex digits');
  return value.toLowerCase() as Hex;
}

function invalid(what: string, cause?: unknown): WalletError {
  return new WalletError(WalletErrorCode.InvalidAuthorization, `the X-BTC transfer cannot be read: ${what}`, { cause });
}
