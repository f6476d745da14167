import { accountIdFromPublicKey, publicKeyFromAccountId } from '@coming/identity';
import {
  CLIENT_MESSAGE_ID_BYTES,
  MAX_DEVICE_ID,
  SERVER_GUID_BYTES,
  SIGNAL_CIPHERTEXT_VERSION_BYTE,
  X_ONLY_PUBLIC_KEY_BYTES,
  messaging,
  sms,
  type wire,
} from '@coming/proto';
import { createHash } from 'node:crypto';
import { SmsTransportError, SmsTransportErrorCode } from './sms-transport.errors';

/** One message's copy for the one recipient device an SMS reaches, and who sends it. */
export interface SmsCopy {
  sourceAccount: string;
  sourceDevice: number;
  clientMessageId: Uint8Array;
  clientTimestampMs: number;
  /** The ciphertext the outbox made for the device, the same one its server copy carries. */
  message: wire.OutgoingMessage;
}

/** The device an SMS arrives at: an SMS names no destination, so it is always this one. */
export interface SmsReceiver {
  accountId: string;
  deviceId: number;
}

// Kept apart from the gateway's GUIDs (a hash of other fields), so that an SMS can never take the GUID of a server envelope.
const GUID_DOMAIN = Buffer.from('coming/sms-envelope-guid/v1\0');

export function encodeSmsEnvelope({ sourceAccount, sourceDevice, clientMessageId, clientTimestampMs, message }: SmsCopy): Uint8Array {
  return sms.SmsEnvelope.encode({
    sourceAccountKey: publicKeyFromAccountId(sourceAccount),
    sourceDevice,
    clientMessageId,
    clientTimestampMs,
    contentType: message.contentType,
    content: message.content,
  }).finish();
}

/**
 * Reads a received SMS envelope (from anyone: the originator of an SMS is not
 * authenticated) into the Envelope the inbox takes, as if the server had pushed it. Its
 * server GUID is a hash of the envelope's bytes, so the same SMS twice is dropped by GUID,
 * and its server timestamp is when it arrived here. The source is a claim: decryption
 * under the session with that source, and the source account's signature inside the
 * content, are what prove it. Throws MALFORMED_SMS naming the field at fault.
 */
export function envelopeOfSms(bytes: Uint8Array, receiver: SmsReceiver, receivedAtMs: number): messaging.Envelope {
  let decoded: sms.SmsEnvelope;
  try {
    decoded = sms.SmsEnvelope.decode(bytes);
  } catch (error) {
    throw malformed(`is not an SMS envelope (${error instanceof Error ? error.message : String(error)})`, error);
  }
  const { sourceAccountKey, sourceDevice, clientMessageId, clientTimestampMs, contentType, content } = decoded;
  if (sourceAccountKey.length !== X_ONLY_PUBLIC_KEY_BYTES) {
    throw malformed(`has a source account key of ${sourceAccountKey.length} bytes, not ${X_ONLY_PUBLIC_KEY_BYTES}`);
  }
  if (sourceDevice < 1 || sourceDevice > MAX_DEVICE_ID) throw malformed(`names source device ${sourceDevice}, not 1 to ${MAX_DEVICE_ID}`);
  if (clientMessageId.length !== CLIENT_MESSAGE_ID_BYTES) {
    throw malformed(`has a client message ID of ${clientMessageId.length} bytes, not ${CLIENT_MESSAGE_ID_BYTES}`);
  }
  if (
    contentType !== messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE &&
    contentType !== messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE
  ) {
    throw malformed(`has content type ${contentType}, not a Signal message`);
  }
  if (content[0] !== SIGNAL_CIPHERTEXT_VERSION_BYTE) throw malformed('carries content that is not a Signal ciphertext');
  return {
    serverGuid: createHash('sha256').update(GUID_DOMAIN).update(bytes).digest().subarray(0, SERVER_GUID_BYTES),
    sourceAccount: accountIdFromPublicKey(sourceAccountKey),
    sourceDevice,
    destinationAccount: receiver.accountId,
    destinationDevice: receiver.deviceId,
    clientMessageId,
    clientTimestampMs,
    serverTimestampMs: receivedAtMs,
    contentType,
    content,
  };
}

function malformed(reason: string, cause?: unknown): SmsTransportError {
  return new SmsTransportError(SmsTransportErrorCode.MalformedSms, `an SMS with Coming's marker ${reason}; dropped it`, { cause });
}
