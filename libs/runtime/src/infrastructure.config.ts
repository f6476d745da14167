import { z } from 'zod';

/** Settings every scaled service reads: where the shared backends are. */
export const infrastructureConfigSchema = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/coming'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('coming:'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/, 'NATS subject tokens only')
    .default('coming'),
  SERVICE_TOKEN: z.string().min(32, 'at least 32 characters of shared secret'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type InfrastructureConfig = z.infer<typeof infrastructureConfigSchema>;
