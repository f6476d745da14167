import type { AccessClaims } from '@coming/access-token';
import type { RawData } from 'ws';
import type { DeviceSession } from '../delivery/device-session';
import type { DeviceConnection } from '../delivery/device-sessions.service';

/** One authenticated WebSocket, as the frame handlers see it. */
export interface ClientConnection {
  readonly device: AccessClaims;
  /** The device's delivery session; undefined on a send-only connection or when it could not start. */
  readonly session: Promise<DeviceSession | undefined>;
  /** The socket with backpressure, and its place among the device's connections here. */
  readonly held: DeviceConnection;
  /** False for a send-only connection. */
  readonly receiving: boolean;
  /** The client's address, for per-IP budgets in the services behind. */
  readonly clientIp: string;
  /** Cleared at each keepalive ping, set again by the pong. */
  alive: boolean;
  /** Frames of this socket in service: read and not yet answered. */
  inFlight: number;
  /**
   * Frames read while the in-flight limit was reached, served as earlier ones finish. Short:
   * the socket is paused meanwhile, so only what was already buffered can arrive.
   */
  readonly waiting: { data: RawData; isBinary: boolean }[];
}
