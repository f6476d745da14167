import { portSchema } from '@coming/config';
import { z } from 'zod';

export const paymentsConfigSchema = z.object({
  /** Where the gRPC server listens. */
  PAYMENTS_GRPC_URL: z.string().default('0.0.0.0:50054'),
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  PAYMENTS_HEALTH_PORT: portSchema.optional(),
});

export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;
