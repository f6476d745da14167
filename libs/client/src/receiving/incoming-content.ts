import { isAccountId } from '@coming/identity';
import type { content, messaging } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';
import { type ReceivedPayment, type ReceivedPaymentRequest, paymentOf, paymentRequestOf } from '../payments/payment-messages';
import type { Carrier, ReceivedMessage } from '../received-message';
import type { SentMessage } from '../sent-message';

/** What a received envelope means for the application. */
export type Incoming =
  { message: ReceivedMessage } | { sent: SentMessage } | { paymentRequest: ReceivedPaymentRequest } | { payment: ReceivedPayment };

/**
 * Reads a decrypted envelope's content: a contact's message or payment message, or a sync
 * transcript of a message another device of this account sent. A transcript is believed only from this
 * account: the envelope's source is the server's word for who sent it, and the session's
 * identity key is checked against that account's signature, so no one else can write
 * into this account's history.
 */
export function incomingOf(
  envelope: messaging.Envelope,
  body: content.Content,
  ownAccountId: string,
  via: Carrier = 'websocket',
): Incoming {
  if (body.paymentRequest !== undefined) return { paymentRequest: paymentRequestOf(envelope, body.paymentRequest) };
  if (body.payment !== undefined) return { payment: paymentOf(envelope, body.payment) };
  const transcript = body.syncTranscript;
  if (transcript === undefined) return { message: receivedMessageOf(envelope, body, via) };
  if (envelope.sourceAccount !== ownAccountId) {
    throw new ClientError(
      ClientErrorCode.UnexpectedContent,
      `${envelope.sourceAccount} sent a sync transcript, which only this account's own devices may send; dropped it`,
    );
  }
  if (!isAccountId(transcript.destinationAccount)) {
    throw new ClientError(ClientErrorCode.UnexpectedContent, 'a sync transcript names no valid destination account; dropped it');
  }
  return {
    sent: {
      to: transcript.destinationAccount,
      text: transcript.text?.text ?? '',
      sentAt: transcript.clientTimestampMs,
      fromThisDevice: false,
      fromDevice: envelope.sourceDevice,
      clientMessageId: Buffer.from(transcript.clientMessageId).toString('hex'),
    },
  };
}

function receivedMessageOf(envelope: messaging.Envelope, body: content.Content, via: Carrier): ReceivedMessage {
  return {
    from: envelope.sourceAccount,
    fromDevice: envelope.sourceDevice,
    text: body.text?.text ?? '',
    sentAt: envelope.clientTimestampMs,
    receivedAt: envelope.serverTimestampMs,
    serverGuid: Buffer.from(envelope.serverGuid).toString('hex'),
    via,
  };
}
