import { Address, OutScript } from '@scure/btc-signer';
import { sha256 } from '@noble/hashes/sha2.js';
import { base58check, hex } from '@scure/base';
import type { NetworkParameters } from './networks';

/** Why an address was refused; the message names the address and the reason. */
export class InvalidAddressError extends Error {
  override readonly name = 'InvalidAddressError';

  constructor(
    readonly address: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_ADDRESS_LENGTH = 90;

/**
 * The output script an address pays to, hex-encoded: what the watcher matches outputs
 * against, so that the same script is found whatever address form a node reports. An
 * address of another network (another bech32 prefix or base58 version) is refused by name.
 */
export function scriptPubKeyOf(address: string, parameters: NetworkParameters): string {
  if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH) {
    throw new InvalidAddressError(
      address,
      `address "${address.slice(0, MAX_ADDRESS_LENGTH)}" must be 1 to ${MAX_ADDRESS_LENGTH} characters`,
    );
  }
  const foreign = foreignNetworkReason(address, parameters);
  if (foreign !== undefined)
    throw new InvalidAddressError(address, `address "${address}" is not a ${parameters.network} address: ${foreign}`);
  try {
    return hex.encode(OutScript.encode(Address(parameters).decode(address)));
  } catch (error) {
    throw new InvalidAddressError(address, `address "${address}" is invalid: ${(error as Error).message}`);
  }
}

const BECH32_SHAPE = /^([a-z]{1,83})1[02-9ac-hj-np-z]{6,}$/;

/** Names the other network an otherwise well-formed address belongs to, so the user is told "wrong network" rather than "invalid". */
function foreignNetworkReason(address: string, parameters: NetworkParameters): string | undefined {
  const bech32Prefix = BECH32_SHAPE.exec(address.toLowerCase())?.[1];
  if (bech32Prefix !== undefined) {
    return bech32Prefix === parameters.bech32 ? undefined : `its prefix is "${bech32Prefix}", this network's is "${parameters.bech32}"`;
  }
  let version: number | undefined;
  try {
    version = base58check(sha256).decode(address)[0];
  } catch {
    // Not base58 either: the decoder below names what is wrong.
    return undefined;
  }
  if (version === undefined || version === parameters.pubKeyHash || version === parameters.scriptHash) return undefined;
  return `its version byte is 0x${hexByte(version)}, this network's are 0x${hexByte(parameters.pubKeyHash)} and 0x${hexByte(parameters.scriptHash)}`;
}

function hexByte(value: number): string {
  return value.toString(16).padStart(2, '0');
}

/** The address of an output script on this network, or undefined for a script no address spells (OP_RETURN, bare multisig). */
export function addressOfScript(scriptPubKeyHex: string, parameters: NetworkParameters): string | undefined {
  try {
    return Address(parameters).encode(OutScript.decode(hex.decode(scriptPubKeyHex)));
  } catch {
    // Non-standard and data-carrier outputs have no address; they are never watched.
    return undefined;
  }
}
