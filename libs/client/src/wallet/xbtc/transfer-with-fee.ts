import { secp256k1 } from '@noble/curves/secp256k1.js';
import { type Address, type Hex, bytesToHex, hashTypedData, hexToBytes } from 'viem';
import { publicKeyToAddress } from 'viem/accounts';
import { TRANSFER_WITH_FEE_TYPES, type TransferWithFee, xbtcDomain } from '@coming/xbtc';
import type { XbtcToken } from './xbtc-chain-api';

export type { TransferWithFee };

/** The typed data the payer signs, as viem's signTypedData and verifyTypedData take it. */
export function typedDataOf(token: XbtcToken, authorization: TransferWithFee) {
  return {
    domain: xbtcDomain(token.chainId, token.address),
    types: TRANSFER_WITH_FEE_TYPES,
    primaryType: 'TransferWithFee',
    message: authorization,
  } as const;
}

/** The EIP-712 digest the payer's key signs. */
export function digestOf(token: XbtcToken, authorization: TransferWithFee): Hex {
  return hashTypedData(typedDataOf(token, authorization));
}

const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/**
 * Whose key made `signature` (r ‖ s ‖ v) over the authorization; undefined for a signature
 * the contract refuses as OpenZeppelin's ECDSA does: not 65 bytes, v not 27 or 28, or s in
 * the upper half (a malleated copy).
 */
export function signerOf(token: XbtcToken, authorization: TransferWithFee, signature: Hex): Address | undefined {
  if (!SIGNATURE.test(signature)) return undefined;
  const bytes = hexToBytes(signature);
  const v = bytes[64];
  if (v !== 27 && v !== 28) return undefined;
  try {
    const parsed = secp256k1.Signature.fromBytes(bytes.slice(0, 64), 'compact');
    if (parsed.hasHighS()) return undefined;
    const point = parsed.addRecoveryBit(v - 27).recoverPublicKey(hexToBytes(digestOf(token, authorization)));
    return publicKeyToAddress(bytesToHex(point.toBytes(false)));
  } catch {
    // r or s out of range, or no point to recover: a signature by nobody.
    return undefined;
  }
}
