import { CLIENT_MESSAGE_ID_BYTES } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { Outbox, OutboxSendOptions, OutgoingMessage } from './outbox';

/**
 * Copies each message this device sent to another account to the account's other devices,
 * as a sync transcript ("sent transcript" in Signal), so that every device shows the same
 * history. The copy is a message to this account, which the server addresses to every
 * device of it but the sending one.
 */
export class SyncTranscripts {
  constructor(
    private readonly outbox: Outbox,
    private readonly ownAccountId: string,
    private readonly report: (error: Error) => void,
  ) {}

  /**
   * Sends the transcript of `sent`, which the server or SMS has taken. A failure is
   * reported, not thrown: the message itself went out, and the caller is told so.
   */
  async copy(sent: OutgoingMessage, deadlineMs: number, options: OutboxSendOptions = {}): Promise<void> {
    if (sent.to === this.ownAccountId || sent.body.text === undefined) return;
    const transcript: OutgoingMessage = {
      to: this.ownAccountId,
      body: {
        syncTranscript: {
          destinationAccount: sent.to,
          text: sent.body.text,
          clientTimestampMs: sent.clientTimestampMs,
          clientMessageId: sent.clientMessageId,
        },
      },
      // Its own ID: it is a message of its own, to other devices, and retried as one.
      clientMessageId: randomBytes(CLIENT_MESSAGE_ID_BYTES),
      clientTimestampMs: Date.now(),
    };
    try {
      await this.outbox.send(transcript, deadlineMs, options);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.report(
        new ClientError(
          error instanceof ClientError ? error.code : ClientErrorCode.Refused,
          `the message to ${sent.to} went out, but its copy to this account's other devices did not: ${reason}`,
          error instanceof ClientError ? error.serverError : undefined,
          { cause: error },
        ),
      );
    }
  }
}
