import { millisecondsSchema, portSchema } from '@coming/config';
import { Inject } from '@nestjs/common';
import { z } from 'zod';

export const keysConfigSchema = z.object({
  /** Where the gRPC server listens. */
  KEYS_GRPC_URL: z.string().default('0.0.0.0:50053'),
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  KEYS_HEALTH_PORT: portSchema.optional(),
  /**
   * Prekey fetch budgets, each a token bucket of BURST fetches refilled one per REFILL_MS,
   * in the spirit of Signal-Server's: per requesting device and target account (6, then
   * one per 10 minutes), per client IP, and for accounts younger than NEW_ACCOUNT_AGE_MS.
   */
  KEYS_FETCH_BURST_PER_TARGET: z.coerce.number().int().positive().default(6),
  KEYS_FETCH_REFILL_MS_PER_TARGET: millisecondsSchema.default(10 * 60_000),
  KEYS_FETCH_BURST_PER_IP: z.coerce.number().int().positive().default(100),
  KEYS_FETCH_REFILL_MS_PER_IP: millisecondsSchema.default(1_000),
  KEYS_FETCH_BURST_NEW_ACCOUNT: z.coerce.number().int().positive().default(20),
  KEYS_FETCH_REFILL_MS_NEW_ACCOUNT: millisecondsSchema.default(3 * 60_000),
  KEYS_NEW_ACCOUNT_AGE_MS: millisecondsSchema.default(24 * 60 * 60_000),
  /** A fetch that leaves fewer one-time prekeys than this tells the device to upload more. */
  KEYS_LOW_WATER_MARK: z.coerce.number().int().min(0).max(100).default(10),
});

export type KeysConfig = z.infer<typeof keysConfigSchema>;

export const KEYS_CONFIG = Symbol('KeysConfig');
export const InjectKeysConfig = () => Inject(KEYS_CONFIG);
