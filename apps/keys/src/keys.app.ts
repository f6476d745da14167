import { type Infrastructure, InfrastructureModule, startService, type StartedService } from '@coming/runtime';
import type { KeysConfig } from './keys.config';

/**
 * The key directory. For now it only reports its health; the prekey API arrives with
 * end-to-end encryption.
 */
export function startKeys(config: KeysConfig, infrastructure: Infrastructure): Promise<StartedService> {
  return startService({ module: InfrastructureModule.forRoot(infrastructure), infrastructure, httpPort: config.KEYS_HEALTH_PORT });
}
