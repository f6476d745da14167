import { portSchema } from '@coming/config';
import { z } from 'zod';

export const keysConfigSchema = z.object({
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  KEYS_HEALTH_PORT: portSchema.optional(),
});

export type KeysConfig = z.infer<typeof keysConfigSchema>;
