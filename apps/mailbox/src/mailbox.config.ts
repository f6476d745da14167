import { millisecondsSchema, portSchema } from '@coming/config';
import { Inject } from '@nestjs/common';
import { z } from 'zod';

export const mailboxConfigSchema = z.object({
  /** Where the gRPC server listens. */
  MAILBOX_GRPC_URL: z.string().default('0.0.0.0:50052'),
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  MAILBOX_HEALTH_PORT: portSchema.optional(),
  /** How long an undelivered envelope is kept before it is dropped. */
  MAILBOX_ENVELOPE_TTL_MS: millisecondsSchema.default(30 * 24 * 3_600_000),
  /** Envelopes one device may have waiting; more are refused as MAILBOX_FULL. */
  MAILBOX_MAX_ENVELOPES_PER_DEVICE: z.coerce.number().int().positive().default(10_000),
  /** How long an envelope body stays in the Redis hot cache. */
  MAILBOX_CACHE_TTL_MS: millisecondsSchema.default(3_600_000),
  /** How often expired envelopes are swept. */
  MAILBOX_SWEEP_INTERVAL_MS: millisecondsSchema.default(60_000),
});

export type MailboxConfig = z.infer<typeof mailboxConfigSchema>;

export const MAILBOX_CONFIG = Symbol('MailboxConfig');
export const InjectMailboxConfig = () => Inject(MAILBOX_CONFIG);
