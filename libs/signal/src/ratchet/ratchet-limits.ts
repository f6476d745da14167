// libsignal's limits; matching them keeps both peers' behaviour at the edges the same.

/** Furthest a message counter may jump ahead of its chain. */
export const MAX_FORWARD_JUMPS = 25_000;
/** Skipped message keys kept per receiver chain; the oldest are dropped first. */
export const MAX_SKIPPED_MESSAGE_KEYS = 2_000;
/** Receiver chains kept per session state; the oldest are dropped first. */
export const MAX_RECEIVER_CHAINS = 5;
/**
 * How long an initiator keeps sending PreKeySignalMessages without a reply. Past it the
 * prekeys they name may be gone, so encrypting fails and the caller fetches a fresh bundle.
 */
export const MAX_UNACKNOWLEDGED_SESSION_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** Previous session states kept per session record, newest first. */
export const MAX_ARCHIVED_STATES = 40;
