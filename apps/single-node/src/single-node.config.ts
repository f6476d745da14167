import { portSchema } from '@coming/config';
import { z } from 'zod';

export const singleNodeConfigSchema = z.object({
  /** Where clients connect. */
  PORT: portSchema.default(8080),
  /** Loopback by default: a single node is for trying Coming out; set 0.0.0.0 to serve a network. */
  HOST: z.string().default('127.0.0.1'),
  /** Holds the PGlite database and the token signing key. */
  COMING_DATA_DIR: z.string().min(1).default('./.coming'),
  /** Internal gRPC ports, on loopback; the first of four consecutive ones. */
  COMING_INTERNAL_PORT_BASE: portSchema.default(50151),
  /**
   * Host names clients reach this node by, comma separated; login signatures name one.
   * Unset: localhost and 127.0.0.1. Add the name or address others use when serving a network.
   */
  AUTH_AUDIENCE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type SingleNodeConfig = z.infer<typeof singleNodeConfigSchema>;
