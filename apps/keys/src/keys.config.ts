import { portSchema } from '@coming/config';
import { Inject } from '@nestjs/common';
import { z } from 'zod';

export const keysConfigSchema = z.object({
  /** Where the gRPC server listens. */
  KEYS_GRPC_URL: z.string().default('0.0.0.0:50053'),
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  KEYS_HEALTH_PORT: portSchema.optional(),
  /** Bundle fetches one account may make for one target account per minute. */
  KEYS_FETCHES_PER_TARGET_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** A fetch that leaves fewer one-time prekeys than this tells the device to upload more. */
  KEYS_LOW_WATER_MARK: z.coerce.number().int().min(0).max(100).default(10),
});

export type KeysConfig = z.infer<typeof keysConfigSchema>;

export const KEYS_CONFIG = Symbol('KeysConfig');
export const InjectKeysConfig = () => Inject(KEYS_CONFIG);
