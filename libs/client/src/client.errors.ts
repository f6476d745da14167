import type { wire } from '@coming/proto';

export enum ClientErrorCode {
  /** The server did not answer at all. */
  ServerUnreachable = 'SERVER_UNREACHABLE',
  /** Login or token refresh was refused. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** The server answered a request with an error frame; see `serverError`. */
  Rejected = 'REJECTED',
  /** The connection closed before the answer came. */
  ConnectionLost = 'CONNECTION_LOST',
  /** Another connection of this device took over. */
  Displaced = 'DISPLACED',
  /** The device was removed or its tokens revoked; it must log in again, if it still may. */
  Revoked = 'REVOKED',
  /** No identity in this home yet, or one already. */
  Identity = 'IDENTITY',
  Timeout = 'TIMEOUT',
  /** A contact's identity key is not signed by its account key. */
  UntrustedIdentity = 'UNTRUSTED_IDENTITY',
  /** A message could not be decrypted. */
  Undecryptable = 'UNDECRYPTABLE',
  /** The account already has the most devices it may; remove one before adding this one. */
  TooManyDevices = 'TOO_MANY_DEVICES',
  /** A value given by the caller is malformed; the message names it. */
  InvalidArgument = 'INVALID_ARGUMENT',
  /** A recipient device kept refusing its copy of a message (its mailbox full, say); the client stopped resending it. */
  Refused = 'REFUSED',
  /** The store could not save the client's state; the client stops receiving, so nothing is acknowledged unsaved. */
  StoreFailed = 'STORE_FAILED',
  /** A message carried content its sender may not send, such as a sync transcript from another account. */
  UnexpectedContent = 'UNEXPECTED_CONTENT',
}

export class ClientError extends Error {
  override readonly name = 'ClientError';

  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** With REJECTED: what the server said. */
    readonly serverError?: wire.Error,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
