import type { messaging } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { Carrier } from '../received-message';
import type { RecipientDevices } from '../recipients/recipient-devices';
import type { SerialQueue } from '../serial-queue';
import type { EndToEnd } from '../signal/end-to-end';
import { SmsTransportError } from '../transport/sms/sms-transport.errors';
import { type Incoming, incomingOf } from './incoming-content';

/** Decrypts a received envelope and reads its content, in the Signal queue since decrypting changes sessions. */
export class EnvelopeReader {
  constructor(
    private readonly endToEnd: EndToEnd,
    private readonly recipients: RecipientDevices,
    private readonly signal: SerialQueue,
    private readonly ownAccountId: string,
  ) {}

  /** What the envelope says, or undefined for a replay of a message already read. */
  read(envelope: messaging.Envelope, via: Carrier): Promise<Incoming | undefined> {
    return this.signal.run(async () => {
      const opened = await this.endToEnd.decrypt(envelope);
      // Its sender's device has a session now: a reply goes out on it.
      this.recipients.learnSender(envelope.sourceAccount, envelope.sourceDevice);
      return 'content' in opened ? incomingOf(envelope, opened.content, this.ownAccountId, via) : undefined;
    });
  }
}

/** The error reported for an envelope that could not be read: the reader's or the SMS inbox's own, or UNDECRYPTABLE. */
export function unreadableError(envelope: messaging.Envelope, error: unknown): Error {
  if (error instanceof ClientError && error.code === ClientErrorCode.UnexpectedContent) return error;
  if (error instanceof SmsTransportError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ClientError(
    ClientErrorCode.Undecryptable,
    `could not decrypt a message from ${envelope.sourceAccount}: ${reason}`,
    undefined,
    {
      cause: error,
    },
  );
}
