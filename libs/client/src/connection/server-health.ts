/**
 * Whether the server answers, as the connection keeper sees it: reached when a connection
 * opens, lost when one drops or cannot open. The outage runs from the first loss after the
 * server last answered, so retries while it stays away do not restart it.
 */
export class ServerHealth {
  private unreachableSinceMs: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** A connection opened. */
  reached(): void {
    this.unreachableSinceMs = undefined;
  }

  /** A connection dropped or could not be opened. */
  lost(): void {
    this.unreachableSinceMs ??= this.now();
  }

  /** How long the server has been unreachable; undefined while it answers, and before anything failed. */
  outageMs(): number | undefined {
    return this.unreachableSinceMs === undefined ? undefined : Math.max(0, this.now() - this.unreachableSinceMs);
  }
}
