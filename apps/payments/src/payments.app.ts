import { type Infrastructure, InfrastructureModule, startService, type StartedService } from '@coming/runtime';
import type { PaymentsConfig } from './payments.config';

/**
 * Bitcoin payment records and chain access. For now it only reports its health; the
 * payment API arrives with in-chat payments.
 */
export function startPayments(config: PaymentsConfig, infrastructure: Infrastructure): Promise<StartedService> {
  return startService({ module: InfrastructureModule.forRoot(infrastructure), infrastructure, healthPort: config.PAYMENTS_HEALTH_PORT });
}
