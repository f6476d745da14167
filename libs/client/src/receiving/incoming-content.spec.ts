import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { type content, content as contentProto, messaging } from '@coming/proto';
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

describe(`${incomingOf.name} with payment messages`, () => {
  const request: content.PaymentRequest = {
    requestId: randomBytes(16),
    currency: contentProto.Currency.CURRENCY_BTC,
    amount: 100_000,
    address: 'rb1qexample',
    memo: 'lunch',
    expiresAtMs: 0,
  };
  const payment: content.Payment = {
    requestId: request.requestId,
    currency: contentProto.Currency.CURRENCY_BTC,
    amount: 100_000,
    transactionId: 'ab'.repeat(32),
    outputIndex: 1,
    memo: '',
    replacesTransactionId: '',
  };
  const read = (body: Partial<content.Content>) =>
    incomingOf(envelopeFrom(CONTACT), { identityKeySignature: new Uint8Array(), ...body }, OWN);

  it('reads a payment request, its amount in satoshis as a bigint', () => {
    expect(read({ paymentRequest: request })).toMatchObject({
      paymentRequest: { from: CONTACT, amount: 100_000n, address: 'rb1qexample', memo: 'lunch', expiresAtMs: undefined },
    });
  });

  it('reads a payment with the request it answers', () => {
    expect(read({ payment })).toMatchObject({
      payment: {
        from: CONTACT,
        amount: 100_000n,
        transactionId: 'ab'.repeat(32),
        outputIndex: 1,
        requestId: Buffer.from(request.requestId).toString('hex'),
      },
    });
  });

  it.each([
    ['no currency', { paymentRequest: { ...request, currency: contentProto.Currency.CURRENCY_UNSPECIFIED } }, 'currency'],
    ['a zero amount', { paymentRequest: { ...request, amount: 0 } }, 'amount'],
    ['a short request ID', { paymentRequest: { ...request, requestId: randomBytes(4) } }, 'request ID'],
    ['no address', { paymentRequest: { ...request, address: ' ' } }, 'address'],
    ['a memo over 256 bytes', { payment: { ...payment, memo: 'x'.repeat(257) } }, 'memo'],
    ['a transaction ID that is no txid', { payment: { ...payment, transactionId: 'nope' } }, 'transaction ID'],
  ])('drops a payment message with %s, naming the sender and the fault', (_, body, fault) => {
    expect(() => read(body)).toThrow(
      expect.objectContaining({
        code: ClientErrorCode.UnexpectedContent,
        message: expect.stringMatching(new RegExp(`^${CONTACT}.*${fault}`)),
      }),
    );
  });
});
