import { messaging } from '@coming/proto';
import { randomBytes } from 'node:crypto';

/** A Signal-shaped envelope for the mailbox tests; only its addressing matters to the mailbox. */
export const testEnvelope = (overrides: Partial<messaging.Envelope> = {}): messaging.Envelope => ({
  serverGuid: randomBytes(16),
  sourceAccount: 'coming1sender',
  sourceDevice: 1,
  destinationAccount: 'coming1recipient',
  destinationDevice: 1,
  clientMessageId: randomBytes(16),
  clientTimestampMs: Date.now(),
  serverTimestampMs: Date.now(),
  contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
  content: Buffer.concat([Buffer.from([0x44]), randomBytes(64)]),
  ...overrides,
});
