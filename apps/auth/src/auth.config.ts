import { Inject } from '@nestjs/common';
import { millisecondsSchema, portSchema } from '@coming/config';
import { z } from 'zod';

export const authConfigSchema = z.object({
  /** Where the gRPC server listens. */
  AUTH_GRPC_URL: z.string().default('0.0.0.0:50051'),
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  AUTH_HEALTH_PORT: portSchema.optional(),
  /** base64url Ed25519 seed that signs access tokens. Shared by auth replicas only. */
  AUTH_SIGNING_KEY: z.string().length(43, 'a 32-byte Ed25519 seed in base64url (43 characters)'),
  /** Names this deployment inside login signatures and tokens. */
  AUTH_AUDIENCE: z.string().min(1).default('coming'),
  AUTH_CHALLENGE_TTL_MS: millisecondsSchema.default(60_000),
  AUTH_ACCESS_TOKEN_TTL_MS: millisecondsSchema.default(15 * 60_000),
  AUTH_REFRESH_TOKEN_TTL_MS: millisecondsSchema.default(30 * 24 * 3_600_000),
  /** Logins allowed per account, and per client IP, in each minute. */
  AUTH_LOGINS_PER_ACCOUNT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  AUTH_LOGINS_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(60),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

export const AUTH_CONFIG = Symbol('AuthConfig');
export const InjectAuthConfig = () => Inject(AUTH_CONFIG);
