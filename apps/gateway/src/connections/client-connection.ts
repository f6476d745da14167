import type { AccessClaims } from '@coming/access-token';
import type { DeviceSession } from '../delivery/device-session';

/** One authenticated WebSocket, as the frame handlers see it. */
export interface ClientConnection {
  readonly device: AccessClaims;
  /** The device's delivery session; undefined on a send-only connection or when it could not start. */
  readonly session: Promise<DeviceSession | undefined>;
  /** False for a send-only connection. */
  readonly receiving: boolean;
  /** Cleared at each keepalive ping, set again by the pong. */
  alive: boolean;
  /** Frames read from this socket and not yet answered. */
  inFlight: number;
}
