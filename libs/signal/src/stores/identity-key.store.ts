import type { CurveKeyPair } from '../keys/curve-key-pair';
import type { ProtocolAddress } from './protocol-address';

export enum Direction {
  Sending = 'SENDING',
  Receiving = 'RECEIVING',
}

export interface IdentityKeyStore {
  getIdentityKeyPair(): Promise<CurveKeyPair>;
  getLocalRegistrationId(): Promise<number>;
  /** Returns true when it replaced a different key already stored for the address. */
  saveIdentity(address: ProtocolAddress, identityKey: Uint8Array): Promise<boolean>;
  isTrustedIdentity(address: ProtocolAddress, identityKey: Uint8Array, direction: Direction): Promise<boolean>;
  getIdentity(address: ProtocolAddress): Promise<Uint8Array | undefined>;
}
