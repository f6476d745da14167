import { millisecondsSchema, portSchema } from '@coming/config';
import { MAX_ENVELOPE_BYTES } from '@coming/proto';
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
  /** Envelopes one sender account may have waiting for one device (no limit at or above the device's); its own account is exempt. */
  MAILBOX_MAX_ENVELOPES_PER_SENDER: z.coerce.number().int().positive().default(1_000),
  /**
   * Byte budget of one Fetch page, framing included; a page always holds one envelope.
   * At most MAX_ENVELOPE_BYTES, so that no page passes the gRPC message cap.
   */
  MAILBOX_FETCH_PAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(MAX_ENVELOPE_BYTES)
    .default(1024 * 1024),
  /** How often expired envelopes are swept. */
  MAILBOX_SWEEP_INTERVAL_MS: millisecondsSchema.default(60_000),
});

export type MailboxConfig = z.infer<typeof mailboxConfigSchema>;

export const MAILBOX_CONFIG = Symbol('MailboxConfig');
export const InjectMailboxConfig = () => Inject(MAILBOX_CONFIG);
