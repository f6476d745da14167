// libsignal's limits; matching them keeps both peers' behaviour at the edges the same.

/** Furthest a message counter may jump ahead of its chain. */
export const MAX_FORWARD_JUMPS = 25_000;
/** Skipped message keys kept per receiver chain; the oldest are dropped first. */
export const MAX_SKIPPED_MESSAGE_KEYS = 2_000;
/** Receiver chains kept per session state; the oldest are dropped first. */
export const MAX_RECEIVER_CHAINS = 5;
/** Previous session states kept per session record, newest first. */
export const MAX_ARCHIVED_STATES = 40;
