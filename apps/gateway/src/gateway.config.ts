import { millisecondsSchema, portSchema } from '@coming/config';
import { parseAudiences } from '@coming/identity';
import { Inject } from '@nestjs/common';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  /** Where clients connect: HTTP for login, WebSocket at /v1/websocket. */
  GATEWAY_PORT: portSchema.default(8080),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** base64url Ed25519 public key of auth's token signing key. */
  AUTH_PUBLIC_KEY: z.string().length(43, 'a 32-byte Ed25519 public key in base64url (43 characters)'),
  /** The deployment's host names, as on auth; an access token must name one of them. */
  AUTH_AUDIENCE: z.string().default('localhost,127.0.0.1').transform(parseAudiences),
  AUTH_GRPC_TARGET: z.string().default('127.0.0.1:50051'),
  MAILBOX_GRPC_TARGET: z.string().default('127.0.0.1:50052'),
  KEYS_GRPC_TARGET: z.string().default('127.0.0.1:50053'),
  /** Largest client frame accepted; larger ones get FRAME_TOO_LARGE. */
  GATEWAY_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 * 1024)
    .default(256 * 1024),
  /** How long a live push waits for the device's acknowledgement before the envelope is stored instead. */
  GATEWAY_LIVE_ACK_TIMEOUT_MS: millisecondsSchema.default(5_000),
  /** Deadline of each gRPC call to auth and mailbox. */
  GATEWAY_GRPC_DEADLINE_MS: millisecondsSchema.default(5_000),
  /** WebSocket ping interval; a socket that misses a pong is closed. */
  GATEWAY_KEEPALIVE_INTERVAL_MS: millisecondsSchema.default(30_000),
  GATEWAY_SENDS_PER_DEVICE_PER_MINUTE: z.coerce.number().int().positive().default(3_000),
  /** Envelopes pushed from the mailbox before waiting for the device's acknowledgements. */
  GATEWAY_DRAIN_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(100),
  /** Honour X-Forwarded-For from this many proxies in front of the gateway. */
  GATEWAY_TRUSTED_PROXIES: z.coerce.number().int().min(0).default(0),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const GATEWAY_CONFIG = Symbol('GatewayConfig');
export const InjectGatewayConfig = () => Inject(GATEWAY_CONFIG);
