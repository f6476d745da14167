import type { SessionRecord } from '../ratchet/session-record';
import type { ProtocolAddress } from './protocol-address';

export interface SessionStore {
  loadSession(address: ProtocolAddress): Promise<SessionRecord | undefined>;
  storeSession(address: ProtocolAddress, record: SessionRecord): Promise<void>;
}
