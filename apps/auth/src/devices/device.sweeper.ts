import { InjectLogger, type Logger } from '@coming/logging';
import { PeriodicSweep } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { type AuthConfig, InjectAuthConfig } from '../auth.config';
import { DevicesService } from './devices.service';

/**
 * Expires devices not seen for AUTH_DEVICE_INACTIVE_DAYS, so that an abandoned device
 * neither fills its mailbox nor holds a slot forever, and asks again for purges the mailbox
 * or keys have not confirmed. Every replica runs it; removing a device twice is a no-op.
 */
@Injectable()
export class DeviceSweeper extends PeriodicSweep {
  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly devices: DevicesService,
    @InjectLogger() protected readonly logger: Logger,
  ) {
    super();
  }

  protected get intervalMs() {
    return this.config.AUTH_SWEEP_INTERVAL_MS;
  }

  protected async sweepOnce() {
    const expired = await this.devices.expireInactive();
    if (expired > 0) this.logger.info({ expired }, 'inactive devices expired');
    await this.devices.purgePending();
  }
}
