/** Base of each feature's error class: a string-enum code a transport maps, and a message for people. */
export abstract class DomainError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
