import {
  createDeviceKey,
  createMnemonic,
  createProvisioningKeys,
  decryptProvisionMessage,
  encryptProvisionMessage,
  verifyDeviceCertificate,
  verifyIdentityKey,
  verifyLinkedLogin,
} from '@coming/identity';
import { auth } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClientErrorCode } from '../client.errors';
import type { ClientState } from '../store/client-store';
import type { LoginApi, LoginRequest } from '../transport/login-api';
import { LinkedIdentity } from './linked-identity';
import { PrimaryIdentity } from './primary-identity';
import { identityOfState } from './stored-identity';

const mnemonic = createMnemonic();
const primary = new PrimaryIdentity(mnemonic);

/** What a new device gets when `primary` approves it, through the real provisioning crypto. */
function provisioned(): LinkedIdentity {
  const keys = createProvisioningKeys();
  const deviceKey = createDeviceKey();
  const address = randomBytes(16).toString('base64url');
  const link = { address, provisioningPublicKey: keys.publicKey, devicePublicKey: deviceKey.publicKey };
  const message = decryptProvisionMessage(encryptProvisionMessage(link, primary), { address, keys, devicePublicKey: deviceKey.publicKey });
  return new LinkedIdentity({ ...message, deviceKey });
}

/** A login endpoint that only records what it was sent: what is checked is the request the identity builds. */
function recordingApi(challenge: Uint8Array) {
  const logins: LoginRequest[] = [];
  const api = {
    challenge: () => Promise.resolve({ challenge, expiresAtMs: Date.now() + 60_000 }),
    login: (request: LoginRequest) => {
      logins.push(request);
      return Promise.resolve(auth.LoggedIn.fromJSON({ deviceId: 2 }));
    },
  } as unknown as LoginApi;
  return { api, logins };
}

describe(LinkedIdentity.name, () => {
  it("holds the primary's identity key and its account signature, not the account key", () => {
    const linked = provisioned();
    expect(linked.accountId).toBe(primary.accountId);
    expect(linked.identityKey.publicKey).toEqual(primary.identityKey.publicKey);
    expect(verifyIdentityKey(linked.accountId, linked.identityKey.publicKey, linked.identityKey.accountSignature)).toBe(true);
    const stored = JSON.stringify(linked.toState());
    expect(stored).not.toContain(Buffer.from(primary.accountPrivateKey).toString('base64'));
    // No two of its words in a row (base64 holds no spaces, so one word alone could be chance).
    const words = mnemonic.split(' ');
    for (let index = 1; index < words.length; index += 1) expect(stored).not.toContain(`${words[index - 1]} ${words[index]}`);
  });

  it('comes back from its stored state as JSON with the same keys and certificate', async () => {
    const linked = provisioned();
    const state: ClientState = JSON.parse(
      JSON.stringify({ accountId: linked.accountId, linked: linked.toState(), recipients: {}, seen: [] }),
    ) as ClientState;
    const restored = identityOfState(state);
    expect(restored).toBeInstanceOf(LinkedIdentity);
    expect(restored.identityKeyPair).toEqual(linked.identityKeyPair);
    expect(restored.identityKey).toEqual(linked.identityKey);
    expect(restored.identityPrivateKey).toEqual(linked.identityPrivateKey);

    const challenge = randomBytes(32);
    const { api, logins } = recordingApi(challenge);
    await restored.login(api, 2, 'coming.example');
    const [login] = logins;
    expect(login?.deviceCertificate).toBeDefined();
    const certificate = login?.deviceCertificate ?? { devicePublicKey: new Uint8Array(), createdAtMs: 0, signature: new Uint8Array() };
    expect(verifyDeviceCertificate(linked.accountId, certificate)).toBe(true);
    const claim = { challenge, accountId: linked.accountId, deviceId: 2, audience: 'coming.example' };
    expect(verifyLinkedLogin(claim, certificate.devicePublicKey, login?.signature ?? new Uint8Array())).toBe(true);
    // Bound to its claim: another device ID does not verify.
    expect(verifyLinkedLogin({ ...claim, deviceId: 3 }, certificate.devicePublicKey, login?.signature ?? new Uint8Array())).toBe(false);
  });

  it('is a primary for a state with the mnemonic, and refuses a state with neither', () => {
    expect(identityOfState({ accountId: primary.accountId, mnemonic, recipients: {}, seen: [] })).toBeInstanceOf(PrimaryIdentity);
    expect(() => identityOfState({ accountId: primary.accountId, recipients: {}, seen: [] })).toThrow(
      expect.objectContaining({ code: ClientErrorCode.Identity, message: expect.stringMatching(/neither a recovery phrase nor/) }),
    );
  });
});
