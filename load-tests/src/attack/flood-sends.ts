import { messaging, wire } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadDevice } from '../generator/load-account';
import { ConnectionLostError, type LoadConnection } from '../generator/load-connection';

// A refused or failed send is tried again after this pause, so that a flood does not spin.
const PAUSE_AFTER_REFUSAL_MS = 100;
const RESPONSE_TIMEOUT_MS = 15_000;

/** What the server answered a flood's sends, per recipient device copy or per send. */
export interface SendTally {
  delivered: number;
  stored: number;
  refused: number;
  rateLimited: number;
  /** Another error, a timeout or a lost socket. */
  failed: number;
}

export function emptySendTally(): SendTally {
  return { delivered: 0, stored: 0, refused: 0, rateLimited: 0, failed: 0 };
}

/** Ciphertext-like content of `bytes` bytes: Signal's version byte, then random bytes. */
export function ciphertextOf(bytes: number): Uint8Array {
  const content = randomBytes(bytes);
  content[0] = 0x44;
  return content;
}

/**
 * Sends `content` to `to`'s device, `window` sends in flight, until `stopped()`, honouring
 * the server's retry-after as a well-behaved flooder must (or it would only be refused).
 */
export async function sendUntilStopped(
  connection: LoadConnection,
  to: LoadDevice,
  content: Uint8Array,
  window: number,
  stopped: () => boolean,
  tally: SendTally,
): Promise<void> {
  const worker = async () => {
    while (!stopped()) {
      const pause = await sendOnce(connection, to, content, tally);
      if (pause > 0) await sleep(pause);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

/** Sends one new message to `to`'s device and tallies the answer; resolves with how long to wait before the next. */
export async function sendOnce(connection: LoadConnection, to: LoadDevice, content: Uint8Array, tally: SendTally): Promise<number> {
  let response: wire.Response;
  try {
    response = await connection.request(
      {
        sendMessage: {
          destinationAccount: to.accountId,
          clientMessageId: randomBytes(16),
          clientTimestampMs: Date.now(),
          retryOfRefused: false,
          messages: [{ destinationDevice: to.deviceId, contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE, content }],
        },
      },
      RESPONSE_TIMEOUT_MS,
    );
  } catch (error) {
    if (!(error instanceof ConnectionLostError)) throw error;
    tally.failed += 1;
    return PAUSE_AFTER_REFUSAL_MS;
  }
  if (response.error?.code === wire.ErrorCode.ERROR_CODE_RATE_LIMITED) {
    tally.rateLimited += 1;
    return response.error.retryAfterMs;
  }
  if (response.sendMessage === undefined) {
    tally.failed += 1;
    return PAUSE_AFTER_REFUSAL_MS;
  }
  for (const { outcome } of response.sendMessage.outcomes) {
    if (outcome === wire.DeliveryOutcome.DELIVERY_OUTCOME_DELIVERED) tally.delivered += 1;
    else if (outcome === wire.DeliveryOutcome.DELIVERY_OUTCOME_STORED) tally.stored += 1;
    else tally.refused += 1;
  }
  return response.sendMessage.outcomes.some(({ outcome }) => outcome === wire.DeliveryOutcome.DELIVERY_OUTCOME_REFUSED)
    ? PAUSE_AFTER_REFUSAL_MS
    : 0;
}

/** Reads a tally as one phrase for the report. */
export function describeTally(tally: SendTally): string {
  return `${tally.delivered} delivered, ${tally.stored} stored, ${tally.refused} refused, ${tally.rateLimited} rate-limited, ${tally.failed} failed`;
}

// How long an attack keeps going past its phase for the server to show its defence.
const DEFENCE_WAIT_MS = 30_000;

/**
 * Resolves once `defended()` holds, or after DEFENCE_WAIT_MS: on a loaded machine a flood
 * may need longer than its phase to reach the limit it is meant to meet.
 */
export async function untilDefended(defended: () => boolean): Promise<void> {
  const deadline = Date.now() + DEFENCE_WAIT_MS;
  while (!defended() && Date.now() < deadline) await sleep(50);
}
