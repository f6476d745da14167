import { content, wire } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { ContentBody } from '../signal/end-to-end';
import type { StateKeeper } from '../state-keeper';

/** A message encrypted while the server was away, as kept in the client state (each part base64). */
export interface BacklogEntry {
  /** The wire.SendMessageRequest, ciphertexts and all, to hand the server as it is. */
  request: string;
  /**
   * The content, to encrypt for a device the server names as missing when it takes the
   * request: the only reason it is kept, on this device, until the server took the message.
   */
  body: string;
}

/** A waiting message, read back. */
export interface BacklogMessage {
  request: wire.SendMessageRequest;
  body: ContentBody;
}

/** Enough for days of chatting by SMS; past it a send fails rather than the state growing without end. */
export const MAX_BACKLOG_ENTRIES = 2_000;

/**
 * Messages that went out by SMS, or were encrypted for later, while the server was
 * unreachable, kept until the server takes them so that the recipient's other devices,
 * and this account's, get them too. They are the very ciphertexts encrypted then: the
 * device that got its copy by SMS gets the same bytes and client message ID from the
 * server, and its inbox drops the second. Kept in the client state, so a restart keeps
 * them; changes are made in memory, and the caller saves.
 */
export class ServerBacklog {
  constructor(private readonly keeper: StateKeeper) {}

  add(request: wire.SendMessageRequest, body: ContentBody): void {
    const entries = (this.keeper.state.serverBacklog ??= []);
    if (entries.length >= MAX_BACKLOG_ENTRIES) {
      throw new ClientError(
        ClientErrorCode.Refused,
        `${MAX_BACKLOG_ENTRIES} messages already wait for the server; this one was not kept for it`,
      );
    }
    entries.push({
      request: base64(wire.SendMessageRequest.encode(request).finish()),
      body: base64(content.Content.encode({ ...body, identityKeySignature: new Uint8Array() }).finish()),
    });
  }

  /** The oldest waiting message. */
  first(): BacklogMessage | undefined {
    const entry = this.keeper.state.serverBacklog?.[0];
    if (entry === undefined) return undefined;
    return {
      request: wire.SendMessageRequest.decode(Uint8Array.from(Buffer.from(entry.request, 'base64'))),
      body: content.Content.decode(Uint8Array.from(Buffer.from(entry.body, 'base64'))),
    };
  }

  /** Forgets the oldest waiting message, which the server took (or refused for good). */
  shift(): void {
    this.keeper.state.serverBacklog?.shift();
  }

  get size(): number {
    return this.keeper.state.serverBacklog?.length ?? 0;
  }
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
