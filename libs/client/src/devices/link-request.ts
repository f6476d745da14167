import {
  createDeviceKey,
  createProvisioningKeys,
  decryptProvisionMessage,
  type DeviceKey,
  encodeLinkCode,
  ProvisioningError,
} from '@coming/identity';
import { type devices, wire } from '@coming/proto';
import WebSocket from 'ws';
import { ClientError, ClientErrorCode } from '../client.errors';

const CONNECT_TIMEOUT_MS = 10_000;

/** What a new device holds once a primary linked it: enough to log in and publish keys, never the account key. */
export interface LinkedDeviceIdentity {
  accountId: string;
  identityPrivateKey: Uint8Array;
  /** The account key's signature over the identity key, for the device's key upload. */
  identityKeySignature: Uint8Array;
  certificate: devices.DeviceCertificate;
  /** This device's own key, which the certificate names; it signs the device's logins. */
  deviceKey: DeviceKey;
}

export interface LinkRequest {
  /** The text to show (and as a QR code) for a primary to approve. */
  linkCode: string;
  /** When the link code stops working. */
  expiresAt: Date;
  /** Resolves once a primary approved the link code; rejects when it expired or the connection failed. */
  linked: Promise<LinkedDeviceIdentity>;
  /** Gives up waiting. */
  cancel(): void;
}

/**
 * The new device's side of linking: opens a provisioning connection, makes this device's
 * own key and an ephemeral X25519 key, and resolves with the link code once the server
 * has given an address. Nothing leaves the device but its public keys.
 */
export function requestLinkCode(serverUrl: string): Promise<LinkRequest> {
  const url = `${serverUrl.replace(/\/+$/, '')}/v1/provisioning`;
  const socket = new WebSocket(url, { handshakeTimeout: CONNECT_TIMEOUT_MS });
  const keys = createProvisioningKeys();
  const deviceKey = createDeviceKey();
  let address: string | undefined;
  let settleLinked: { resolve(identity: LinkedDeviceIdentity): void; reject(error: Error): void } | undefined;
  const linked = new Promise<LinkedDeviceIdentity>((resolve, reject) => (settleLinked = { resolve, reject }));
  // A caller that never awaits `linked` must not see an unhandled rejection.
  linked.catch(() => undefined);

  return new Promise((resolve, reject) => {
    const fail = (error: ClientError) => {
      reject(error);
      settleLinked?.reject(error);
    };
    socket.on('message', (data: Buffer) => {
      let frame: wire.ProvisioningFrame;
      try {
        frame = wire.ProvisioningFrame.decode(data);
      } catch (error) {
        fail(
          new ClientError(ClientErrorCode.ServerUnreachable, 'the server sent an unreadable provisioning frame', undefined, {
            cause: error,
          }),
        );
        socket.close();
        return;
      }
      if (frame.address !== undefined) {
        address = frame.address.address;
        const linkCode = encodeLinkCode({ address, provisioningPublicKey: keys.publicKey, devicePublicKey: deviceKey.publicKey });
        resolve({ linkCode, expiresAt: new Date(frame.address.expiresAtMs), linked, cancel: () => socket.close() });
      }
      if (frame.envelope !== undefined && address !== undefined) {
        try {
          const message = decryptProvisionMessage(frame.envelope.ciphertext, { address, keys, devicePublicKey: deviceKey.publicKey });
          settleLinked?.resolve({ ...message, deviceKey });
        } catch (error) {
          const reason = error instanceof ProvisioningError ? error.message : String(error);
          settleLinked?.reject(new ClientError(ClientErrorCode.Identity, `linking failed: ${reason}`, undefined, { cause: error }));
        }
      }
    });
    socket.on('close', (code, reason) => {
      fail(
        code === Number(wire.CloseCode.CLOSE_CODE_PROVISIONING_EXPIRED)
          ? new ClientError(ClientErrorCode.Timeout, 'the link code expired before a primary device approved it: request a new one')
          : new ClientError(
              ClientErrorCode.ConnectionLost,
              `the provisioning connection closed (${code} ${reason.toString()}) before a primary device approved the link code`,
            ),
      );
    });
    socket.once('unexpected-response', (_request, response) => {
      fail(
        new ClientError(ClientErrorCode.ServerUnreachable, `the server refused the provisioning connection (HTTP ${response.statusCode})`),
      );
    });
    socket.once('error', (error) => {
      fail(new ClientError(ClientErrorCode.ServerUnreachable, `cannot connect to ${url}: ${error.message}`, undefined, { cause: error }));
    });
  });
}
