import { portSchema } from '@coming/config';
import { z } from 'zod';

export const paymentsConfigSchema = z.object({
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  PAYMENTS_HEALTH_PORT: portSchema.optional(),
});

export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;
