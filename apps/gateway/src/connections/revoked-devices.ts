import type { AccessClaims, VerifiedAccess } from '@coming/access-token';
import { InjectLogger, type Logger } from '@coming/logging';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

/** A device's tokens were revoked at `revokedAtMs`; tokens issued before it are valid by signature until `untilMs`. */
export interface Revocation {
  revokedAtMs: number;
  untilMs: number;
}

/**
 * Devices whose tokens auth revoked (removed, expired, or a refresh token reused), kept
 * only while access tokens issued before the revocation can still be valid: gateways
 * check tokens with auth's public key alone, so without this a removed device's access
 * token would open new sockets until it expired. Times are compared, not just IDs: a
 * device ID is reused after its purge, and the new device's tokens, issued after the
 * revocation, must work. At most GATEWAY_MAX_REVOKED_DEVICES are held; past that the least
 * recently used one goes (and is logged), which takes far more revocations within one
 * access-token lifetime than a deployment makes.
 */
@Injectable()
export class RevokedDevices {
  private readonly revocations: LRUCache<string, Revocation>;

  constructor(
    @InjectGatewayConfig() config: Pick<GatewayConfig, 'GATEWAY_MAX_REVOKED_DEVICES'>,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {
    this.revocations = new LRUCache({
      max: config.GATEWAY_MAX_REVOKED_DEVICES,
      // Revocations end at an instant on the wall clock (auth's stamp plus the token lifetime), like token expiry.
      perf: { now: () => clock.now().getTime() },
      ttlResolution: 0,
      dispose: (_revocation, key, reason) => {
        if (reason === 'evict') this.logger.warn({ device: key }, 'revoked devices full: forgot the least recently used revocation');
      },
    });
  }

  /** Records that `device`'s tokens issued at or before `revokedAtMs` are revoked; a repeat keeps the later time. */
  revoke(device: AccessClaims, { revokedAtMs, untilMs }: Revocation): void {
    const key = keyOf(device);
    const known = this.revocations.get(key);
    const revocation = { revokedAtMs: Math.max(revokedAtMs, known?.revokedAtMs ?? 0), untilMs: Math.max(untilMs, known?.untilMs ?? 0) };
    const ttl = Math.ceil(revocation.untilMs - this.clock.now().getTime());
    // Every token it would refuse has expired already.
    if (ttl <= 0) return;
    this.revocations.set(key, revocation, { ttl });
  }

  /** When the token's device was revoked, if at or after the token was issued; else undefined. */
  revokedSince(token: VerifiedAccess): number | undefined {
    const revocation = this.revocations.get(keyOf(token));
    return revocation !== undefined && revocation.revokedAtMs >= token.issuedAtMs ? revocation.revokedAtMs : undefined;
  }
}

function keyOf({ accountId, deviceId }: AccessClaims): string {
  return `${accountId}.${deviceId}`;
}
