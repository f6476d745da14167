import { constantTimeEqual } from '../crypto/bytes';
import { MAX_ARCHIVED_STATES } from './ratchet-limits';
import type { SessionState } from './session-state';

/** Everything known about sessions with one remote device: the current state and archived ones. */
export class SessionRecord {
  constructor(
    public currentState?: SessionState,
    /** Newest first. */
    public previousStates: SessionState[] = [],
  ) {}

  /** Makes `state` current, archiving the one it replaces. */
  promoteState(state: SessionState): void {
    if (this.currentState) this.previousStates.unshift(this.currentState);
    this.currentState = state;
    this.previousStates.length = Math.min(this.previousStates.length, MAX_ARCHIVED_STATES);
  }

  /** Brings an archived state back as current, after it decrypted a message. */
  promotePreviousState(index: number, updated: SessionState): void {
    this.previousStates.splice(index, 1);
    this.promoteState(updated);
  }

  hasStateWithBaseKey(baseKey: Uint8Array): boolean {
    return [this.currentState, ...this.previousStates].some((state) => state !== undefined && constantTimeEqual(state.baseKey, baseKey));
  }
}
