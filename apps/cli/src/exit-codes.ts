/**
 * What `coming` exits with; the README's table lists them. Scripts rely on these, so a
 * number never changes meaning.
 */
export enum ExitCode {
  Ok = 0,
  /** Anything not below: no identity in the home, an undecryptable message... */
  Failure = 1,
  /** The command line was wrong: unknown command or option, a bad number, an unknown contact, a malformed account ID. */
  Usage = 2,
  /** The server could not be reached, or did not answer, within the timeout. */
  Unreachable = 3,
  /**
   * Another connection of this device took over (close 4409), or this device was removed
   * from its account: while connected (close 4410), or found out at its next login.
   */
  Displaced = 4,
  /** The server answered no: an unknown account, the device cap, a refused copy, a refused login. */
  Refused = 5,
  /** The home stayed locked: no passphrase given, a wrong one, or a damaged store. */
  Locked = 6,
}
