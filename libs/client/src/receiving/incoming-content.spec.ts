import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { type content, messaging } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClientErrorCode } from '../client.errors';
import { incomingOf } from './incoming-content';

const OWN = accountKeyFromMnemonic(createMnemonic()).accountId;
const CONTACT = accountKeyFromMnemonic(createMnemonic()).accountId;
const MESSAGE_ID = randomBytes(16);

const envelopeFrom = (sourceAccount: string): messaging.Envelope => ({
  serverGuid: randomBytes(16),
  sourceAccount,
  sourceDevice: 3,
  destinationAccount: OWN,
  destinationDevice: 1,
  clientMessageId: randomBytes(16),
  clientTimestampMs: 1_000,
  serverTimestampMs: 2_000,
  contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
  content: new Uint8Array(),
});

const transcript = (destinationAccount: string): content.Content => ({
  syncTranscript: { destinationAccount, text: { text: 'hi' }, clientTimestampMs: 500, clientMessageId: MESSAGE_ID },
  identityKeySignature: new Uint8Array(),
});

describe(incomingOf.name, () => {
  it("reads a contact's text as a received message", () => {
    const body = { text: { text: 'hello' }, identityKeySignature: new Uint8Array() };
    expect(incomingOf(envelopeFrom(CONTACT), body, OWN)).toMatchObject({
      message: { from: CONTACT, fromDevice: 3, text: 'hello', sentAt: 1_000, receivedAt: 2_000 },
    });
  });

  it("reads a transcript from another device of this account as that device's send", () => {
    expect(incomingOf(envelopeFrom(OWN), transcript(CONTACT), OWN)).toEqual({
      sent: {
        to: CONTACT,
        text: 'hi',
        sentAt: 500,
        fromThisDevice: false,
        fromDevice: 3,
        clientMessageId: MESSAGE_ID.toString('hex'),
      },
    });
  });

  it('rejects a transcript from another account, naming it', () => {
    expect(() => incomingOf(envelopeFrom(CONTACT), transcript(OWN), OWN)).toThrow(
      expect.objectContaining({ code: ClientErrorCode.UnexpectedContent, message: expect.stringContaining(CONTACT) }),
    );
  });

  it('rejects a transcript naming no valid destination', () => {
    expect(() => incomingOf(envelopeFrom(OWN), transcript('nobody'), OWN)).toThrow(
      expect.objectContaining({ code: ClientErrorCode.UnexpectedContent, message: expect.stringContaining('destination') }),
    );
  });
});
