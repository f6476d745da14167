import type { devices, keys, messaging, payments, wire } from '@coming/proto';
import type { DeviceRequest } from '../devices/device-request';

/** What a carrier pushes to the client. */
export interface TransportEvents {
  /** An envelope for this device; the client acknowledges it once it is safely stored. */
  onDeliver(envelope: messaging.Envelope): void;
  /** Everything stored while the device was away has been pushed. */
  onQueueEmpty(): void;
  /** This device's one-time prekeys run low on the server (only a server carrier sends this). */
  onKeysLow(count: keys.PreKeyCount): void;
  /** Devices left this account (removed or expired); only a server carrier sends this. */
  onDevicesRemoved(removed: devices.RemovedDevice[]): void;
  /** A payment of this account changed state (only a server carrier sends this; missed ones are asked for on connect). */
  onPaymentStatus(status: payments.PaymentStatus): void;
  /** An X-BTC transfer of this account changed state (as onPaymentStatus). */
  onXbtcTransferStatus(transfer: payments.XbtcTransferStatus): void;
  /** The carrier closed, with a WebSocket-style code (see wire.CloseCode). */
  onClose(code: number, reason: string): void;
}

/**
 * A carrier of Signal messages between devices: the gateway's WebSocket today, SMS beside
 * it later. The parts of the client send and acknowledge through this, never through a
 * particular carrier.
 */
export interface Transport {
  /** Sends one message's per-device copies; resolves with each device's outcome. */
  send(request: wire.SendMessageRequest): Promise<wire.DeviceOutcome[]>;
  /** Tells the carrier these envelopes are safely stored, so that it drops them. */
  acknowledge(serverGuids: Uint8Array[]): Promise<void>;
  close(): Promise<void>;
}

/** The server's key directory: this device's prekey stock and other devices' bundles. */
export interface KeyDirectory {
  /** Prekey bundles of every device of `accountId`, one one-time prekey claimed from each. */
  bundles(accountId: string): Promise<keys.Bundles>;
  /** How many one-time prekeys of this device the server holds. */
  preKeyCount(): Promise<keys.PreKeyCount>;
  uploadKeys(upload: wire.UploadKeysRequest): Promise<void>;
}

/** The server's list of this account's devices, and the requests that change it. */
export interface DeviceDirectory {
  /** Sends one device request (ListDevices, SetDeviceName, RemoveDevice, ProvisionDevice). */
  requestDevices: DeviceRequest;
}

/** The payments service behind the server: the wallet's view of the chain. */
export interface ChainDirectory {
  /** Sends one payments request (GetChainInfo, WatchAddresses, GetUtxos, BroadcastTransaction, …). */
  requestChain: DeviceRequest;
}

/** A connection to the server: a carrier, the key, device and chain directories in one. */
export type ServerLink = Transport & KeyDirectory & DeviceDirectory & ChainDirectory;
