import type { AccessClaims } from '@coming/access-token';
import { Injectable } from '@nestjs/common';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

// Bad frames are counted in windows of this length (GATEWAY_MAX_BAD_FRAMES_PER_MINUTE).
const WINDOW_MS = 60_000;
// Devices counted at once, at most: past it the oldest window is forgotten, so that many
// accounts sending one bad frame each cannot grow the gateway's memory without bound.
const MAX_DEVICES = 100_000;

/**
 * How many undecodable, unknown or oversized frames each device has sent this gateway in
 * the current minute, over all its connections. Past the budget the device's connection is
 * closed and its new ones refused at the upgrade until the minute is over: reconnecting
 * must not reset what garbage may cost the gateway, and a refused upgrade costs it no
 * frame reading at all. Only devices that sent a bad frame have an entry, and entries go
 * once their window is over.
 */
@Injectable()
export class BadFrameBudget {
  private readonly devices = new Map<string, { count: number; windowStartMs: number }>();
  private readonly maxPerMinute: number;

  constructor(@InjectGatewayConfig() config: Pick<GatewayConfig, 'GATEWAY_MAX_BAD_FRAMES_PER_MINUTE'>) {
    this.maxPerMinute = config.GATEWAY_MAX_BAD_FRAMES_PER_MINUTE;
  }

  /** Counts one bad frame of `device`; true if that takes it over its budget. */
  spend(device: AccessClaims, nowMs = Date.now()): boolean {
    const key = keyOf(device);
    let entry = this.devices.get(key);
    if (entry === undefined || nowMs - entry.windowStartMs >= WINDOW_MS) {
      entry = { count: 0, windowStartMs: nowMs };
      // Re-inserted, so that the map's order stays the order windows started in.
      this.devices.delete(key);
      if (this.devices.size >= MAX_DEVICES) this.devices.delete(this.devices.keys().next().value!);
      this.devices.set(key, entry);
    }
    entry.count += 1;
    return entry.count > this.maxPerMinute;
  }

  /** While `device` is over its budget, the milliseconds until it may connect again; else 0. */
  refusedForMs(device: AccessClaims, nowMs = Date.now()): number {
    const entry = this.devices.get(keyOf(device));
    if (entry === undefined || entry.count <= this.maxPerMinute) return 0;
    return Math.max(0, entry.windowStartMs + WINDOW_MS - nowMs);
  }

  /** Forgets windows that are over. */
  prune(nowMs = Date.now()): void {
    for (const [key, entry] of this.devices) if (nowMs - entry.windowStartMs >= WINDOW_MS) this.devices.delete(key);
  }
}

function keyOf({ accountId, deviceId }: AccessClaims): string {
  return `${accountId}.${deviceId}`;
}
