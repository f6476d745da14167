import { HDKey } from '@scure/bip32';
import { p2wpkh } from '@scure/btc-signer';
import type { BitcoinNetwork } from './bitcoin-network';

const HARDENED = 0x8000_0000;

/** BIP-84's purpose: native SegWit, pay-to-witness-public-key-hash. */
export const BIP84_PURPOSE = 84;

/** The branch of an account's addresses: 0 for addresses handed to payers, 1 for change. */
export enum AddressChain {
  Receive = 0,
  Change = 1,
}

/** One address of the wallet, and where its key sits. */
export interface WalletAddress {
  address: string;
  /** The P2WPKH output script that pays it. */
  script: Uint8Array;
  chain: AddressChain;
  index: number;
  /** Compressed secp256k1 public key, 33 bytes. */
  publicKey: Uint8Array;
  /** Full BIP-32 path from the master key, as a PSBT's bip32Derivation holds it. */
  path: number[];
}

/**
 * The BIP-84 account of the mnemonic's seed:
 *
 *   m / 84' / coin' / 0' / chain / index
 *
 * coin' is 0' on mainnet and 1' on testnet and regtest (SLIP-44), account 0', chain 0
 * for receive and 1 for change addresses. The account key lives apart, at m/13'/0'/0'
 * (libs/identity), and every level above the account is hardened, so neither an address
 * nor a leaked account xpub links to the identity.
 */
export class Bip84Account {
  /** The master key's fingerprint, which PSBTs carry so that any signer finds its keys. */
  readonly fingerprint: number;
  readonly accountPath: number[];
  private readonly account: HDKey;

  constructor(
    seed: Uint8Array,
    readonly network: BitcoinNetwork,
  ) {
    const master = HDKey.fromMasterSeed(seed);
    this.fingerprint = master.fingerprint;
    this.accountPath = [BIP84_PURPOSE + HARDENED, network.coinType + HARDENED, HARDENED];
    this.account = master.derive(`m/${BIP84_PURPOSE}'/${network.coinType}'/0'`);
  }

  address(chain: AddressChain, index: number): WalletAddress {
    const node = this.account.deriveChild(chain).deriveChild(index);
    if (node.publicKey === null) throw new Error('BIP-84 derivation gave no public key');
    const payment = p2wpkh(node.publicKey, this.network);
    if (payment.address === undefined) throw new Error('P2WPKH gave no address');
    return {
      address: payment.address,
      script: payment.script,
      chain,
      index,
      publicKey: node.publicKey,
      path: [...this.accountPath, chain, index],
    };
  }

  /** The private key of a path under this account; it never leaves the client. */
  privateKey(path: readonly number[]): Uint8Array | undefined {
    const [purpose, coin, account, chain, index, ...rest] = path;
    const [ownPurpose, ownCoin, ownAccount] = this.accountPath;
    if (purpose !== ownPurpose || coin !== ownCoin || account !== ownAccount || rest.length > 0) return undefined;
    if (chain === undefined || index === undefined || chain >= HARDENED || index >= HARDENED) return undefined;
    return this.account.deriveChild(chain).deriveChild(index).privateKey ?? undefined;
  }
}
