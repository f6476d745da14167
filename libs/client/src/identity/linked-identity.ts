import type { auth, devices, keys } from '@coming/proto';
import { type CurveKeyPair, curveKeyPairFromPrivateKey } from '@coming/signal';
import type { LinkedDeviceIdentity } from '../devices/link-request';
import { loginLinkedDevice } from '../devices/linked-login';
import type { LinkedDeviceState } from '../store/client-store';
import type { LoginApi } from '../transport/login-api';
import type { DeviceIdentity } from './device-identity';

const encode = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const decode = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/**
 * A device a primary linked: it holds the account's identity key and that key's account
 * signature, as the provisioning message gave them, and logs in with its own device key
 * and the certificate the account key signed for it. It never holds the account key, so
 * it can neither link nor remove devices.
 */
export class LinkedIdentity implements DeviceIdentity {
  readonly accountId: string;
  readonly identityPrivateKey: Uint8Array;
  readonly identityKeyPair: CurveKeyPair;
  readonly identityKey: keys.IdentityKey;
  private readonly linked: LinkedDeviceIdentity;

  constructor(linked: LinkedDeviceIdentity) {
    this.linked = linked;
    this.accountId = linked.accountId;
    this.identityPrivateKey = linked.identityPrivateKey;
    this.identityKeyPair = curveKeyPairFromPrivateKey(linked.identityPrivateKey);
    this.identityKey = { publicKey: this.identityKeyPair.publicKey, accountSignature: linked.identityKeySignature };
  }

  /** The identity a linked device's stored state holds. */
  static fromState(accountId: string, state: LinkedDeviceState): LinkedIdentity {
    const certificate: devices.DeviceCertificate = {
      devicePublicKey: decode(state.certificate.devicePublicKey),
      createdAtMs: state.certificate.createdAtMs,
      signature: decode(state.certificate.signature),
    };
    return new LinkedIdentity({
      accountId,
      identityPrivateKey: decode(state.identityPrivateKey),
      identityKeySignature: decode(state.identityKeySignature),
      certificate,
      deviceKey: { publicKey: certificate.devicePublicKey, privateKey: decode(state.devicePrivateKey) },
    });
  }

  /** What the store keeps of this identity; the account ID is kept beside it, as for a primary. */
  toState(): LinkedDeviceState {
    const { identityPrivateKey, identityKeySignature, certificate, deviceKey } = this.linked;
    return {
      identityPrivateKey: encode(identityPrivateKey),
      identityKeySignature: encode(identityKeySignature),
      devicePrivateKey: encode(deviceKey.privateKey),
      certificate: {
        devicePublicKey: encode(certificate.devicePublicKey),
        createdAtMs: certificate.createdAtMs,
        signature: encode(certificate.signature),
      },
    };
  }

  login(api: LoginApi, deviceId: number, audience: string): Promise<auth.LoggedIn> {
    return loginLinkedDevice(api, this.linked, deviceId, audience);
  }
}
