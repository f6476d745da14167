/** Why the reassembler dropped a part or a pending message; parts from the network are dropped silently, never thrown at the caller. */
export enum SmsDropReason {
  /** A header element whose length runs past the end of the user data header. */
  HeaderOverrun = 'header-overrun',
  /** A concatenation or port element whose length is not the one 3GPP TS 23.040 fixes for it. */
  BadElementLength = 'bad-element-length',
  /** Two concatenation elements, or two port elements, in one header. */
  RepeatedElement = 'repeated-element',
  /** A concatenation element announcing 0 parts. */
  ZeroParts = 'zero-parts',
  /** A sequence number of 0 or above the announced part count. */
  BadSequence = 'bad-sequence',
  /** A part whose count, coding or ports differ from those of the earlier parts with its reference. */
  InconsistentParts = 'inconsistent-parts',
  /** A part already held for the message it belongs to. */
  DuplicatePart = 'duplicate-part',
  /** A part of a message completed within the duplicate window. */
  AlreadyCompleted = 'already-completed',
  /** A part holding more than one SMS can, given its header. */
  PartTooLarge = 'part-too-large',
  /** A message whose announced parts could hold more than the reassembler's per-message cap. */
  Oversized = 'oversized',
  /** A pending message pushed out to make room under the per-sender or global caps. */
  Evicted = 'evicted',
  /** A pending message still missing parts when its time ran out. */
  TimedOut = 'timed-out',
}
