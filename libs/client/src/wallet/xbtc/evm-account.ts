import { secp256k1 } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import { type Address, type Hex, bytesToHex, hexToBytes, serializeSignature } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';

/**
 * Where the account's EVM key sits under the mnemonic's seed (BIP-44):
 *
 *   m / 44' / 60' / 0' / 0 / 0
 *
 * purpose 44', coin type 60' (Ether, SLIP-44), account 0', the external chain 0, index 0:
 * the first address of every common EVM wallet, so the same phrase opens these funds in
 * another wallet too. It is neither the account key (m/13'/0'/0', libs/identity) nor a
 * Bitcoin key (m/84'/…), and the levels down to the account are hardened, so no one of
 * these keys links to another.
 */
export const EVM_KEY_PATH = "m/44'/60'/0'/0/0";

/**
 * The account's one EVM key: its address, and signatures over 32-byte digests. The
 * private key never leaves this object; it is an ECMAScript private field, so that it
 * shows in neither JSON nor an inspected or logged object.
 */
export class EvmAccount {
  readonly address: Address;
  readonly #privateKey: Uint8Array;

  constructor(seed: Uint8Array) {
    const { privateKey } = HDKey.fromMasterSeed(seed).derive(EVM_KEY_PATH);
    if (privateKey === null) throw new Error('BIP-44 derivation gave no private key');
    this.#privateKey = privateKey;
    this.address = privateKeyToAddress(bytesToHex(privateKey));
  }

  /**
   * Signs a digest (an EIP-712 hash) as a 65-byte r ‖ s ‖ v signature, v 27 or 28, s in the
   * lower half: what OpenZeppelin's ECDSA.recover accepts. It is what viem's signTypedData
   * does after hashing, done synchronously, since the wallet's sign() is synchronous.
   */
  signDigest(digest: Hex): Hex {
    // "recovered": the recovery bit, then r and s; RFC 6979 nonces, so the same digest always gives the same signature.
    const signed = secp256k1.sign(hexToBytes(digest), this.#privateKey, { prehash: false, lowS: true, format: 'recovered' });
    const recovery = signed[0];
    if (recovery !== 0 && recovery !== 1) throw new Error('secp256k1 gave no usable recovery bit');
    return serializeSignature({ r: bytesToHex(signed.slice(1, 33)), s: bytesToHex(signed.slice(33, 65)), yParity: recovery });
  }
}
