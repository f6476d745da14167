import { accountKeyFromMnemonic, seedFromMnemonic, signalIdentityKeyFromSeed } from '@coming/identity';
import { hex } from '@scure/base';
import { HDKey } from '@scure/bip32';
import { WIF } from '@scure/btc-signer';

// Extended key versions: mainnet xprv, and tprv for testnet and regtest.
const VERSIONS = [
  { private: 0x0488ade4, public: 0x0488b21e },
  { private: 0x04358394, public: 0x043587cf },
];
// WIF prefixes: mainnet, testnet and Core's regtest, bcoin's regtest.
const WIF_PREFIXES = [0x80, 0xef, 0x5a];

/**
 * Every text form in which a secret of this recovery phrase could leak: the phrase and
 * its words in a row, the seed, the account and Signal identity keys, the BIP-32 master
 * and BIP-84 account keys as xprv or tprv, the first receive and change keys in hex
 * and WIF, and the X-BTC wallet's EVM key (BIP-44 m/44'/60'/0'/0/0) in hex.
 */
export function secretFormsOf(mnemonic: string): string[] {
  const seed = seedFromMnemonic(mnemonic);
  const forms = [mnemonic, mnemonic.split(' ').slice(0, 3).join(' '), hex.encode(seed)];
  forms.push(hex.encode(accountKeyFromMnemonic(mnemonic).privateKey), hex.encode(signalIdentityKeyFromSeed(seed)));
  for (const versions of VERSIONS) {
    const master = HDKey.fromMasterSeed(seed, versions);
    for (const coin of [0, 1]) {
      const account = master.derive(`m/84'/${coin}'/0'`);
      forms.push(master.privateExtendedKey, account.privateExtendedKey);
      for (const chain of [0, 1]) {
        for (let index = 0; index < 3; index += 1) {
          const key = account.deriveChild(chain).deriveChild(index).privateKey!;
          forms.push(hex.encode(key), ...WIF_PREFIXES.map((prefix) => WIF({ wif: prefix } as Parameters<typeof WIF>[0]).encode(key)));
        }
      }
    }
  }
  forms.push(hex.encode(HDKey.fromMasterSeed(seed).derive("m/44'/60'/0'/0/0").privateKey!));
  return [...new Set(forms)];
}
