import { describe, expect, it } from 'vitest';
import { mailbox, messaging } from './index';
import { GRPC_MAX_MESSAGE_BYTES, MAX_CLIENT_FRAME_BYTES, MAX_DEVICE_ID, MAX_ENVELOPE_BYTES } from './protocol-limits';

/** An envelope with every addressing field at its largest; bech32 strings are at most 90 characters. */
const widest = (content: Uint8Array): messaging.Envelope => ({
  serverGuid: new Uint8Array(16),
  sourceAccount: 'c'.repeat(90),
  sourceDevice: MAX_DEVICE_ID,
  destinationAccount: 'c'.repeat(90),
  destinationDevice: MAX_DEVICE_ID,
  clientMessageId: new Uint8Array(16),
  clientTimestampMs: Number.MAX_SAFE_INTEGER,
  serverTimestampMs: Number.MAX_SAFE_INTEGER,
  contentType: messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE,
  content,
});

describe('envelope size limits', () => {
  it('fit the ciphertext of the largest client frame into the largest envelope', () => {
    // The ciphertext is part of the frame, so it is shorter than the frame.
    const envelope = messaging.Envelope.encode(widest(new Uint8Array(MAX_CLIENT_FRAME_BYTES))).finish();
    expect(envelope.length).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
  });

  it('fit the largest envelope into one Fetch page and one Enqueue call under the gRPC cap', () => {
    const bare = messaging.Envelope.encode(widest(new Uint8Array(0))).finish().length;
    const largest = widest(new Uint8Array(MAX_ENVELOPE_BYTES - bare - 5));
    expect(messaging.Envelope.encode(largest).finish().length).toBe(MAX_ENVELOPE_BYTES);
    const page = mailbox.FetchResponse.encode({
      envelopes: [{ sequence: Number.MAX_SAFE_INTEGER, envelope: largest }],
      hasMore: true,
    }).finish();
    expect(page.length).toBeLessThanOrEqual(GRPC_MAX_MESSAGE_BYTES);
    expect(mailbox.EnqueueRequest.encode({ envelope: largest }).finish().length).toBeLessThanOrEqual(GRPC_MAX_MESSAGE_BYTES);
  });
});
