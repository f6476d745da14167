import { Inject } from '@nestjs/common';
import { millisecondsSchema, portSchema } from '@coming/config';
import { parseAudiences } from '@coming/identity';
import { z } from 'zod';

export const authConfigSchema = z.object({
  /** Where the gRPC server listens. */
  AUTH_GRPC_URL: z.string().default('0.0.0.0:50051'),
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  AUTH_HEALTH_PORT: portSchema.optional(),
  /** base64url Ed25519 seed that signs access tokens and, through HKDF, login challenges. Shared by auth replicas only. */
  AUTH_SIGNING_KEY: z.string().length(43, 'a 32-byte Ed25519 seed in base64url (43 characters)'),
  /**
   * The host names clients reach this deployment by (its public URL's host), comma
   * separated. A login signature must name one of them; tokens carry them all. The
   * default suits a single node and the stack on this machine.
   */
  AUTH_AUDIENCE: z
    .string()
    .default('localhost,127.0.0.1')
    .transform(parseAudiences)
    .refine((audiences) => audiences.length > 0, 'at least one host name, e.g. chat.example.com'),
  AUTH_CHALLENGE_TTL_MS: millisecondsSchema.default(60_000),
  AUTH_ACCESS_TOKEN_TTL_MS: millisecondsSchema.default(15 * 60_000),
  AUTH_REFRESH_TOKEN_TTL_MS: millisecondsSchema.default(30 * 24 * 3_600_000),
  /** Valid logins allowed per account, and attempts of any kind per client IP, in each minute. */
  AUTH_LOGINS_PER_ACCOUNT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  AUTH_LOGINS_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /**
   * A device that registered but has not published its keys within this time no longer
   * holds one of the account's device slots: the next registration may reclaim it.
   */
  AUTH_UNREADY_DEVICE_TTL_MS: millisecondsSchema.default(3_600_000),
  /** How often expired refresh tokens and spent challenges are deleted, inactive devices expired and unconfirmed purges asked again. */
  AUTH_SWEEP_INTERVAL_MS: millisecondsSchema.default(60_000),
  /**
   * A device not seen (no login, no token refresh) for this many days is removed as if by
   * its account, as Signal expires linked devices: its mailbox stops filling and its slot
   * frees up. A device that is online refreshes its token every 15 minutes.
   */
  AUTH_DEVICE_INACTIVE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

export const AUTH_CONFIG = Symbol('AuthConfig');
export const InjectAuthConfig = () => Inject(AUTH_CONFIG);
