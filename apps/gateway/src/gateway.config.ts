import { millisecondsSchema, portSchema } from '@coming/config';
import { parseAudiences } from '@coming/identity';
import { MAX_CLIENT_FRAME_BYTES } from '@coming/proto';
import { Inject } from '@nestjs/common';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  /** Where clients connect: HTTP for login, WebSockets at /v1/websocket (devices) and /v1/provisioning (new devices). */
  GATEWAY_PORT: portSchema.default(8080),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** /healthz, /readyz and /metrics, on a port of their own so that exposing GATEWAY_PORT never exposes them. */
  GATEWAY_HEALTH_PORT: portSchema.optional(),
  /** base64url Ed25519 public key of auth's token signing key. */
  AUTH_PUBLIC_KEY: z.string().length(43, 'a 32-byte Ed25519 public key in base64url (43 characters)'),
  /** The deployment's host names, as on auth; an access token must name one of them. */
  AUTH_AUDIENCE: z.string().default('localhost,127.0.0.1').transform(parseAudiences),
  AUTH_GRPC_TARGET: z.string().default('127.0.0.1:50051'),
  MAILBOX_GRPC_TARGET: z.string().default('127.0.0.1:50052'),
  KEYS_GRPC_TARGET: z.string().default('127.0.0.1:50053'),
  PAYMENTS_GRPC_TARGET: z.string().default('127.0.0.1:50054'),
  /** Largest client frame accepted; larger ones get FRAME_TOO_LARGE. */
  GATEWAY_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    // Past this, an envelope built from the frame would exceed what the mailbox can store and drain.
    .max(MAX_CLIENT_FRAME_BYTES)
    .default(256 * 1024),
  /** How long a live push waits for the device's acknowledgement before the envelope is stored instead. */
  GATEWAY_LIVE_ACK_TIMEOUT_MS: millisecondsSchema.default(5_000),
  /** Deadline of each gRPC call to auth and mailbox. */
  GATEWAY_GRPC_DEADLINE_MS: millisecondsSchema.default(5_000),
  /** WebSocket ping interval; a socket that misses a pong is closed. */
  GATEWAY_KEEPALIVE_INTERVAL_MS: millisecondsSchema.default(30_000),
  GATEWAY_SENDS_PER_DEVICE_PER_MINUTE: z.coerce.number().int().positive().default(3_000),
  /** Accounts whose device lists the gateway keeps in memory (least recently used go first). */
  GATEWAY_DEVICE_CACHE_ACCOUNTS: z.coerce.number().int().min(1).default(100_000),
  /** Frames one connection may have in service at once; past that the gateway stops reading its socket. */
  GATEWAY_MAX_IN_FLIGHT_PER_CONNECTION: z.coerce.number().int().min(1).max(1_000).default(32),
  /**
   * Undecodable, unknown or oversized frames one device may send this gateway in a minute,
   * each answered with its error; one more closes the connection with 1002, and the device's
   * upgrades are refused with HTTP 429 until the minute is over, so that garbage cannot
   * take the gateway's time without end.
   */
  GATEWAY_MAX_BAD_FRAMES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /**
   * Revoked devices this gateway remembers, each for one access-token lifetime after its
   * revocation, to refuse the access tokens issued before it; past this the least recently
   * used is forgotten (and logged). About 200 bytes each.
   */
  GATEWAY_MAX_REVOKED_DEVICES: z.coerce.number().int().min(1).default(100_000),
  /** Envelopes one Mailbox.Fetch asks for; a page also stops at the mailbox's byte budget. */
  GATEWAY_DRAIN_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(100),
  /** Honour X-Forwarded-For from this many proxies in front of the gateway. */
  GATEWAY_TRUSTED_PROXIES: z.coerce.number().int().min(0).default(0),
  /** Drained envelopes pushed to a device and not yet acknowledged, at most; pages of GATEWAY_DRAIN_PAGE_SIZE are fetched ahead. */
  GATEWAY_DRAIN_WINDOW: z.coerce.number().int().min(1).max(5_000).default(300),
  /** How long a device may leave every drained envelope unacknowledged before its socket is recycled (4408). */
  GATEWAY_DRAIN_ACK_TIMEOUT_MS: millisecondsSchema.default(30_000),
  /**
   * Bytes a socket may have queued towards a device. Above it the gateway stops pushing:
   * live offers are declined (the sender stores them) and the drain waits.
   */
  GATEWAY_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(1024 * 1024),
  /** A socket whose buffer stays over GATEWAY_MAX_BUFFERED_BYTES this long is closed with 4429. */
  GATEWAY_SLOW_READER_TIMEOUT_MS: millisecondsSchema.default(30_000),
  /** Sockets one device may hold on one gateway (its receiving one and send-only ones); more are closed with 4430. */
  GATEWAY_MAX_CONNECTIONS_PER_DEVICE: z.coerce.number().int().min(1).default(4),
  /** Sockets all devices of one account may hold on one gateway; more are closed with 4430. */
  GATEWAY_MAX_CONNECTIONS_PER_ACCOUNT: z.coerce.number().int().min(1).default(40),
  /** How long a new device's provisioning address waits for a primary before it expires (close code 4411). */
  GATEWAY_PROVISIONING_TTL_MS: millisecondsSchema.default(10 * 60_000),
  /** Provisioning connections (no token needed) one client IP may open per minute; more get HTTP 429. */
  GATEWAY_PROVISIONING_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(10),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const GATEWAY_CONFIG = Symbol('GatewayConfig');
export const InjectGatewayConfig = () => Inject(GATEWAY_CONFIG);
