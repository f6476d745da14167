import { describe, expect, it } from 'vitest';
import { InvalidAccountIdError, parseAccountId, publicKeyFromAccountId } from './account-id';
import { audienceOfServerUrl, parseAudiences } from './login-audience';
import { accountKeyFromMnemonic, createMnemonic, InvalidMnemonicError, seedFromMnemonic } from './account-key';
import { signIdentityKey, signalIdentityKeyFromSeed, verifyIdentityKey } from './identity-key-signature';
import { signLogin, verifyLogin } from './login-digest';

// BIP-39's published test mnemonic; only its determinism matters here.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('account identity', () => {
  it('derives the same account ID from the same mnemonic, and a different one from another', () => {
    const first = accountKeyFromMnemonic(MNEMONIC);
    expect(accountKeyFromMnemonic(` ${MNEMONIC.replaceAll(' ', '  ')} `).accountId).toBe(first.accountId);
    expect(first.accountId).toMatch(/^coming1[02-9ac-hj-np-z]{58}$/);
    expect(accountKeyFromMnemonic(createMnemonic()).accountId).not.toBe(first.accountId);
    expect(publicKeyFromAccountId(first.accountId)).toEqual(first.publicKey);
  });

  it('rejects a mnemonic with a bad checksum', () => {
    expect(() => accountKeyFromMnemonic(MNEMONIC.replace('about', 'abandon'))).toThrow(InvalidMnemonicError);
  });

  it('names what is wrong with a bad account ID', () => {
    expect(() => publicKeyFromAccountId('bitcoin1qqqq')).toThrow(InvalidAccountIdError);
    const { accountId } = accountKeyFromMnemonic(MNEMONIC);
    const typo = accountId.slice(0, -1) + (accountId.endsWith('q') ? 'p' : 'q');
    expect(() => publicKeyFromAccountId(typo)).toThrow(/not a bech32m account ID/);
  });

  it('verifies a login signature only for the exact claim that was signed', () => {
    const key = accountKeyFromMnemonic(MNEMONIC);
    const claim = { challenge: new Uint8Array(32).fill(7), accountId: key.accountId, deviceId: 1, audience: 'coming' };
    const signature = signLogin(claim, key.privateKey);
    expect(verifyLogin(claim, signature)).toBe(true);
    expect(verifyLogin({ ...claim, deviceId: 2 }, signature)).toBe(false);
    expect(verifyLogin({ ...claim, audience: 'elsewhere' }, signature)).toBe(false);
    expect(verifyLogin({ ...claim, challenge: new Uint8Array(32) }, signature)).toBe(false);
    const other = accountKeyFromMnemonic(createMnemonic());
    expect(verifyLogin({ ...claim, accountId: other.accountId }, signature)).toBe(false);
  });
});

describe('identity key signatures', () => {
  it('binds the identity key to the account that signed it', () => {
    const alice = accountKeyFromMnemonic(createMnemonic());
    const bob = accountKeyFromMnemonic(createMnemonic());
    const identityKey = new Uint8Array(33).fill(5);
    const signature = signIdentityKey(alice.accountId, identityKey, alice.privateKey);
    expect(verifyIdentityKey(alice.accountId, identityKey, signature)).toBe(true);
    expect(verifyIdentityKey(bob.accountId, identityKey, signature)).toBe(false);
    expect(verifyIdentityKey(alice.accountId, new Uint8Array(33).fill(6), signature)).toBe(false);
  });

  it('derives one identity key per mnemonic, apart from the account key', () => {
    const seed = seedFromMnemonic(MNEMONIC);
    expect(signalIdentityKeyFromSeed(seed)).toEqual(signalIdentityKeyFromSeed(seedFromMnemonic(` ${MNEMONIC} `)));
    expect(signalIdentityKeyFromSeed(seed)).not.toEqual(signalIdentityKeyFromSeed(seedFromMnemonic(createMnemonic())));
    expect(signalIdentityKeyFromSeed(seed)).not.toEqual(accountKeyFromMnemonic(MNEMONIC).privateKey);
  });
});

describe('login audience', () => {
  it('is the host name of the server URL, whatever its scheme, port or case', () => {
    expect(audienceOfServerUrl('wss://Chat.Example.com:8443/v1')).toBe('chat.example.com');
    expect(audienceOfServerUrl('http://127.0.0.1:8080')).toBe('127.0.0.1');
    expect(() => audienceOfServerUrl('chat.example.com')).toThrow(/not a server URL/);
  });

  it('reads a deployment list from its setting', () => {
    expect(parseAudiences(' Chat.Example.com, localhost,,')).toEqual(['chat.example.com', 'localhost']);
  });
});

describe('parseAccountId', () => {
  it('accepts upper case as the same account and refuses mixed case', () => {
    const { accountId } = accountKeyFromMnemonic(MNEMONIC);
    expect(parseAccountId(accountId.toUpperCase())).toBe(accountId);
    expect(() => parseAccountId(accountId.slice(0, 10).toUpperCase() + accountId.slice(10))).toThrow(/mixes upper and lower case/);
  });
});
