import type { AccessClaims } from '@coming/access-token';

// Bad frames are counted in windows of this length (GATEWAY_MAX_BAD_FRAMES_PER_MINUTE).
const WINDOW_MS = 60_000;

/**
 * How many undecodable, unknown or oversized frames each device has sent this gateway in
 * the current minute, over all its connections. Past the budget the device's connections
 * are closed and new ones refused until the minute is over: reconnecting must not reset
 * what garbage may cost the gateway. Only devices that sent a bad frame have an entry,
 * and entries go once their window is over.
 */
export class BadFrameBudget {
  private readonly devices = new Map<string, { count: number; windowStartMs: number }>();

  constructor(private readonly maxPerMinute: number) {}

  /** Counts one bad frame of `device`; true if that takes it over its budget. */
  spend(device: AccessClaims, nowMs = Date.now()): boolean {
    const key = keyOf(device);
    let entry = this.devices.get(key);
    if (entry === undefined || nowMs - entry.windowStartMs >= WINDOW_MS) {
      entry = { count: 0, windowStartMs: nowMs };
      this.devices.set(key, entry);
    }
    entry.count += 1;
    return entry.count > this.maxPerMinute;
  }

  /** True while `device` is over its budget: its new connections are refused. */
  exhausted(device: AccessClaims, nowMs = Date.now()): boolean {
    const entry = this.devices.get(keyOf(device));
    return entry !== undefined && nowMs - entry.windowStartMs < WINDOW_MS && entry.count > this.maxPerMinute;
  }

  /** Forgets windows that are over. */
  prune(nowMs = Date.now()): void {
    for (const [key, entry] of this.devices) if (nowMs - entry.windowStartMs >= WINDOW_MS) this.devices.delete(key);
  }
}

function keyOf({ accountId, deviceId }: AccessClaims): string {
  return `${accountId}.${deviceId}`;
}
