import { base64urlnopad } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { accountKeyFromSeed, createMnemonic, seedFromMnemonic } from './account-key';
import { createDeviceKey, signDeviceCertificate, verifyDeviceCertificate } from './device-certificate';
import { decryptDeviceName, encryptDeviceName, InvalidDeviceNameError } from './device-name';
import { signDeviceRemoval, verifyDeviceRemoval } from './device-removal';
import { signalIdentityKeyFromSeed } from './identity-key-signature';
import { encodeLinkCode, InvalidLinkCodeError, type LinkCode, parseLinkCode } from './link-code';
import { signLinkedLogin, signLogin, verifyLinkedLogin, verifyLogin } from './login-digest';
import { createProvisioningKeys, decryptProvisionMessage, encryptProvisionMessage, ProvisioningError } from './provisioning-message';

function primary() {
  const seed = seedFromMnemonic(createMnemonic());
  return { account: accountKeyFromSeed(seed), identityPrivateKey: signalIdentityKeyFromSeed(seed) };
}

function newDevice() {
  const keys = createProvisioningKeys();
  const device = createDeviceKey();
  const address = base64urlnopad.encode(new Uint8Array(16).fill(9));
  const link: LinkCode = { address, provisioningPublicKey: keys.publicKey, devicePublicKey: device.publicKey };
  return { keys, device, link, wait: { address, keys, devicePublicKey: device.publicKey } };
}

describe('device certificates', () => {
  it('hold for the account that signed them and the device key they name, and nothing else', () => {
    const { account } = primary();
    const other = primary().account;
    const device = createDeviceKey();
    const certificate = signDeviceCertificate(account.accountId, device.publicKey, account.privateKey, 1_700_000_000_000);
    expect(verifyDeviceCertificate(account.accountId, certificate)).toBe(true);
    expect(verifyDeviceCertificate(other.accountId, certificate)).toBe(false);
    expect(verifyDeviceCertificate(account.accountId, { ...certificate, devicePublicKey: createDeviceKey().publicKey })).toBe(false);
    expect(verifyDeviceCertificate(account.accountId, { ...certificate, createdAtMs: certificate.createdAtMs + 1 })).toBe(false);
    // Signed by another account's key for this account: refused.
    const forged = signDeviceCertificate(account.accountId, device.publicKey, other.privateKey);
    expect(verifyDeviceCertificate(account.accountId, forged)).toBe(false);
    expect(verifyDeviceCertificate(account.accountId, { ...certificate, signature: new Uint8Array(3) })).toBe(false);
  });

  it('keeps linked-login signatures apart from primary ones', () => {
    const { account } = primary();
    const device = createDeviceKey();
    const claim = { challenge: new Uint8Array(32).fill(1), accountId: account.accountId, deviceId: 2, audience: 'chat.example.com' };
    const linked = signLinkedLogin(claim, device.privateKey);
    expect(verifyLinkedLogin(claim, device.publicKey, linked)).toBe(true);
    expect(verifyLinkedLogin({ ...claim, deviceId: 3 }, device.publicKey, linked)).toBe(false);
    // A primary's login signature, even by the same key, is no linked login, and the reverse.
    expect(verifyLinkedLogin(claim, account.publicKey, signLogin(claim, account.privateKey))).toBe(false);
    expect(verifyLogin(claim, signLinkedLogin(claim, account.privateKey))).toBe(false);
  });
});

describe('device removal signatures', () => {
  it('authorise removing one device of one account, at the signed time', () => {
    const { account } = primary();
    const removal = signDeviceRemoval(account.accountId, 3, account.privateKey, 1_700_000_000_000);
    const { signature } = removal;
    expect(verifyDeviceRemoval(removal, signature)).toBe(true);
    expect(verifyDeviceRemoval({ ...removal, deviceId: 4 }, signature)).toBe(false);
    expect(verifyDeviceRemoval({ ...removal, timestampMs: removal.timestampMs + 1 }, signature)).toBe(false);
    expect(verifyDeviceRemoval({ ...removal, nonce: new Uint8Array(16) }, signature)).toBe(false);
    expect(verifyDeviceRemoval({ ...removal, accountId: primary().account.accountId }, signature)).toBe(false);
    // A linked device's key is not the account key.
    const byDevice = signDeviceRemoval(account.accountId, 3, createDeviceKey().privateKey);
    expect(verifyDeviceRemoval(byDevice, byDevice.signature)).toBe(false);
  });

  it('get a fresh nonce each time', () => {
    const { account } = primary();
    const first = signDeviceRemoval(account.accountId, 3, account.privateKey, 5);
    const second = signDeviceRemoval(account.accountId, 3, account.privateKey, 5);
    expect(first.nonce).not.toEqual(second.nonce);
  });
});

describe('link codes', () => {
  it('read back what was encoded, as URI-safe text', () => {
    const { link } = newDevice();
    const text = encodeLinkCode(link);
    expect(text).toMatch(/^coming-link:\?v=1&a=[\w-]{22}&k=[\w-]{43}&d=[\w-]{43}$/);
    expect(parseLinkCode(` ${text}\n`)).toEqual(link);
  });

  it('name what is wrong with a bad one', () => {
    const text = encodeLinkCode(newDevice().link);
    expect(() => parseLinkCode(text.replace('coming-link:', 'http:'))).toThrow(/starts with "coming-link:"/);
    expect(() => parseLinkCode(text.replace('v=1', 'v=2'))).toThrow(/version must be 1/);
    expect(() => parseLinkCode(text.replace(/a=[\w-]+/, 'a=abc'))).toThrow(/address \(a\)/);
    expect(() => parseLinkCode(text.replace(/k=[\w-]+/, 'k=AAAA'))).toThrow(/provisioning key \(k\) must be 32 bytes, got 3/);
    expect(() => parseLinkCode(text.replace(/&d=[\w-]+/, ''))).toThrow(InvalidLinkCodeError);
  });
});

describe('provisioning messages', () => {
  it('carry the account, identity key and a certificate for the new device, and never the account key', () => {
    const { account, identityPrivateKey } = primary();
    const { link, wait, device } = newDevice();
    const ciphertext = encryptProvisionMessage(link, {
      accountId: account.accountId,
      accountPrivateKey: account.privateKey,
      identityPrivateKey,
    });
    const message = decryptProvisionMessage(ciphertext, wait);
    expect(message.accountId).toBe(account.accountId);
    expect(message.identityPrivateKey).toEqual(identityPrivateKey);
    expect(message.certificate.devicePublicKey).toEqual(device.publicKey);
    expect(verifyDeviceCertificate(account.accountId, message.certificate)).toBe(true);
    expect(Buffer.from(ciphertext).includes(Buffer.from(account.privateKey))).toBe(false);
    expect(Buffer.from(ciphertext).includes(Buffer.from(identityPrivateKey))).toBe(false);
  });

  it('open only with the link code ephemeral key, at the address it was made for', () => {
    const { account, identityPrivateKey } = primary();
    const { link, wait } = newDevice();
    const ciphertext = encryptProvisionMessage(link, {
      accountId: account.accountId,
      accountPrivateKey: account.privateKey,
      identityPrivateKey,
    });
    expect(() => decryptProvisionMessage(ciphertext, { ...wait, keys: createProvisioningKeys() })).toThrow(/does not authenticate/);
    const elsewhere = base64urlnopad.encode(new Uint8Array(16).fill(1));
    expect(() => decryptProvisionMessage(ciphertext, { ...wait, address: elsewhere })).toThrow(/does not authenticate/);
    const altered = Uint8Array.from(ciphertext);
    altered.set([(altered.at(-1) ?? 0) ^ 1], altered.length - 1);
    expect(() => decryptProvisionMessage(altered, wait)).toThrow(ProvisioningError);
    expect(() => decryptProvisionMessage(ciphertext.subarray(0, 20), wait)).toThrow(/too short/);
  });

  it('refuse a certificate for another device key', () => {
    const { account, identityPrivateKey } = primary();
    const { link, wait } = newDevice();
    const swapped = { ...link, devicePublicKey: createDeviceKey().publicKey };
    const ciphertext = encryptProvisionMessage(swapped, {
      accountId: account.accountId,
      accountPrivateKey: account.privateKey,
      identityPrivateKey,
    });
    expect(() => decryptProvisionMessage(ciphertext, wait)).toThrow(/another device's key/);
  });
});

describe('device names', () => {
  it('are readable by the account devices only', () => {
    const { account, identityPrivateKey } = primary();
    const sealed = encryptDeviceName(' Alice’s laptop ', account.accountId, identityPrivateKey);
    expect(Buffer.from(sealed).includes(Buffer.from('laptop'))).toBe(false);
    expect(decryptDeviceName(sealed, account.accountId, identityPrivateKey)).toBe('Alice’s laptop');
    expect(() => decryptDeviceName(sealed, primary().account.accountId, identityPrivateKey)).toThrow(/does not authenticate/);
    expect(() => decryptDeviceName(sealed, account.accountId, primary().identityPrivateKey)).toThrow(/does not authenticate/);
  });

  it('are 1 to 64 characters', () => {
    const { account, identityPrivateKey } = primary();
    expect(() => encryptDeviceName('  ', account.accountId, identityPrivateKey)).toThrow(InvalidDeviceNameError);
    expect(() => encryptDeviceName('x'.repeat(65), account.accountId, identityPrivateKey)).toThrow(/1 to 64 characters/);
    expect(encryptDeviceName('😀'.repeat(64), account.accountId, identityPrivateKey).length).toBeLessThanOrEqual(512);
  });
});
