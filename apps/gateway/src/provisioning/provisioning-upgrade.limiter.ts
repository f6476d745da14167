import { RateLimiter } from '@coming/cache';
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { clientIpOf } from '../connections/client-ip';
import type { VerifyCallback } from '../connections/upgrade-authenticator';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

const MINUTE_MS = 60_000;

/**
 * Provisioning connections need no token, so each one is paid for by its client's IP
 * address: past GATEWAY_PROVISIONING_PER_IP_PER_MINUTE the upgrade is refused with HTTP
 * 429 and Retry-After, before any socket or subscription exists.
 */
@Injectable()
export class ProvisioningUpgradeLimiter {
  constructor(
    private readonly rateLimiter: RateLimiter,
    @InjectGatewayConfig() private readonly config: GatewayConfig,
  ) {}

  /** ws's asynchronous verifyClient hook. */
  readonly verifyClient = (info: { req: IncomingMessage }, callback: VerifyCallback): void => {
    const limit = { name: 'provisioning-ip', limit: this.config.GATEWAY_PROVISIONING_PER_IP_PER_MINUTE, windowMs: MINUTE_MS };
    this.rateLimiter.consume(limit, clientIpOf(info.req, this.config.GATEWAY_TRUSTED_PROXIES)).then(
      (decision) =>
        decision.allowed
          ? callback(true)
          : callback(false, 429, 'too many provisioning connections from this address; retry later', {
              'Content-Type': 'text/plain; charset=utf-8',
              'Retry-After': String(Math.ceil(decision.retryAfterMs / 1000)),
            }),
      () => callback(false, 503, 'provisioning is unavailable; retry later'),
    );
  };
}
