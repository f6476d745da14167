import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { messaging, sms } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeSmsEnvelope, envelopeOfSms, type SmsCopy } from './sms-envelope';
import { SmsTransportErrorCode } from './sms-transport.errors';

const SENDER = accountKeyFromMnemonic(createMnemonic()).accountId;
const RECEIVER = { accountId: accountKeyFromMnemonic(createMnemonic()).accountId, deviceId: 2 };
const ARRIVED_AT = 1_700_000_000_000;

const copy = (contentType = messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE): SmsCopy => ({
  sourceAccount: SENDER,
  sourceDevice: 3,
  clientMessageId: randomBytes(16),
  clientTimestampMs: 1_699_999_999_000,
  message: { destinationDevice: 1, contentType, content: Buffer.concat([Buffer.of(0x44), randomBytes(200)]) },
});

/** An encoded envelope with some fields changed, as a hostile sender would send it. */
const tampered = (fields: Partial<sms.SmsEnvelope>) =>
  sms.SmsEnvelope.encode({ ...sms.SmsEnvelope.decode(encodeSmsEnvelope(copy())), ...fields }).finish();

describe(envelopeOfSms.name, () => {
  it('gives the inbox the envelope the server would have pushed, the sender and message ID the same as on the server copy', () => {
    for (const contentType of [
      messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
      messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE,
    ]) {
      const sent = copy(contentType);
      const envelope = envelopeOfSms(encodeSmsEnvelope(sent), RECEIVER, ARRIVED_AT);
      expect(envelope).toEqual({
        serverGuid: expect.any(Uint8Array),
        sourceAccount: SENDER,
        sourceDevice: 3,
        destinationAccount: RECEIVER.accountId,
        destinationDevice: RECEIVER.deviceId,
        clientMessageId: new Uint8Array(sent.clientMessageId),
        clientTimestampMs: sent.clientTimestampMs,
        serverTimestampMs: ARRIVED_AT,
        contentType,
        content: new Uint8Array(sent.message.content),
      });
      expect(envelope.serverGuid).toHaveLength(16);
    }
  });

  it('carries the 32-byte account key, not the ID text, for an addressing overhead under 70 bytes', () => {
    const sent = copy();
    const encoded = encodeSmsEnvelope(sent);
    expect(sms.SmsEnvelope.decode(encoded).sourceAccountKey).toHaveLength(32);
    expect(SENDER.length).toBeGreaterThan(60);
    expect(encoded.length - sent.message.content.length).toBeLessThan(70);
  });

  it('gives the same SMS the same GUID, and two SMS of one message different ones', () => {
    const sent = copy();
    const bytes = encodeSmsEnvelope(sent);
    const guid = (encoded: Uint8Array) => Buffer.from(envelopeOfSms(encoded, RECEIVER, ARRIVED_AT).serverGuid).toString('hex');
    expect(guid(bytes)).toBe(guid(Uint8Array.from(bytes)));
    const other = encodeSmsEnvelope({ ...sent, message: { ...sent.message, content: Buffer.concat([Buffer.of(0x44), randomBytes(200)]) } });
    expect(guid(other)).not.toBe(guid(bytes));
  });

  it.each([
    ['bytes that are no protobuf', Uint8Array.of(0xff, 0xff, 0xff), 'is not an SMS envelope'],
    ['a 31-byte account key', tampered({ sourceAccountKey: randomBytes(31) }), 'source account key of 31 bytes'],
    ['device 0', tampered({ sourceDevice: 0 }), 'source device 0'],
    ['device 128', tampered({ sourceDevice: 128 }), 'source device 128'],
    ['a 15-byte message ID', tampered({ clientMessageId: randomBytes(15) }), 'client message ID of 15 bytes'],
    ['an unknown content type', tampered({ contentType: messaging.ContentType.CONTENT_TYPE_UNSPECIFIED }), 'content type 0'],
    ['content that is no Signal ciphertext', tampered({ content: Buffer.from('hello in the clear') }), 'not a Signal ciphertext'],
  ])('drops %s with MALFORMED_SMS naming it', (_, bytes, reason) => {
    expect(() => envelopeOfSms(bytes, RECEIVER, ARRIVED_AT)).toThrow(
      expect.objectContaining({ code: SmsTransportErrorCode.MalformedSms, message: expect.stringContaining(reason) }),
    );
  });
});
