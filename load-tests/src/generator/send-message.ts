import { wire } from '@coming/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadDevice } from './load-account';
import { ConnectionLostError, type LoadConnection } from './load-connection';
import type { MessageLedger } from './message-ledger';
import { messageContent } from './signal-sizes';

const RETRY_DELAY_MS = 200;
// Longer than the gateway's 5 s live-acknowledgement wait plus a mailbox write.
const RESPONSE_TIMEOUT_MS = 15_000;
const RETRYABLE = new Set([wire.ErrorCode.ERROR_CODE_UNAVAILABLE, wire.ErrorCode.ERROR_CODE_INTERNAL]);

/** Counts of what a sender met on the way, for the report. */
export interface SendCounters {
  retries: number;
  rateLimited: number;
  /** Sends of which a copy was refused (a full mailbox, or this sender's share of it). */
  refused: number;
  deviceListFixes: number;
}

export function emptySendCounters(): SendCounters {
  return { retries: 0, rateLimited: 0, refused: 0, deviceListFixes: 0 };
}

/** The devices the generator believes each account has, corrected on DEVICE_MISMATCH. */
export class DeviceLists {
  private readonly lists = new Map<string, number[]>();

  of(device: LoadDevice): number[] {
    return this.lists.get(device.accountId) ?? [device.deviceId];
  }

  correct(accountId: string, current: number[], error: wire.Error): void {
    const extra = new Set(error.extraDevices);
    this.lists.set(accountId, [...current.filter((each) => !extra.has(each)), ...error.missingDevices]);
  }
}

export interface SendContext {
  ledger: MessageLedger;
  deviceLists: DeviceLists;
  counters: SendCounters;
  phase: string;
  /** performance.now() after which a message that was never acknowledged is given up. */
  giveUpAt: number;
}

/**
 * Sends one new message as a client would: one copy per recipient device, fixing the
 * device list when the server names missing or extra devices, and retrying with the same
 * client message ID after a lost socket, a timeout or a retryable error. Resolves true
 * once acknowledged, false if given up.
 */
export async function sendMessage(from: LoadConnection, to: LoadDevice, context: SendContext): Promise<boolean> {
  const { ledger, deviceLists, counters } = context;
  const { sequence, clientMessageId } = ledger.plan(context.phase);
  const content = messageContent(sequence);
  for (;;) {
    const devices = deviceLists.of(to);
    let response: wire.Response;
    try {
      response = await from.request(
        {
          sendMessage: {
            destinationAccount: to.accountId,
            clientMessageId,
            clientTimestampMs: Date.now(),
            retryOfRefused: false,
            messages: devices.map((destinationDevice) => ({ destinationDevice, ...content })),
          },
        },
        RESPONSE_TIMEOUT_MS,
      );
    } catch (error) {
      if (!(error instanceof ConnectionLostError)) throw error;
      if (!(await retryLater(context))) return false;
      continue;
    }
    if (response.sendMessage !== undefined) {
      // A refused copy is neither delivered nor stored: the message is not acknowledged, and
      // it is sent again later (same client message ID, so what was stored stays once).
      if (response.sendMessage.outcomes.every(({ outcome }) => outcome !== wire.DeliveryOutcome.DELIVERY_OUTCOME_REFUSED)) {
        ledger.acked(sequence);
        return true;
      }
      counters.refused += 1;
      if (!(await retryLater(context))) return false;
      continue;
    }
    const failure = response.error;
    if (failure?.code === wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH) {
      counters.deviceListFixes += 1;
      deviceLists.correct(to.accountId, devices, failure);
    } else if (failure?.code === wire.ErrorCode.ERROR_CODE_RATE_LIMITED) {
      counters.rateLimited += 1;
      await sleep(failure.retryAfterMs);
    } else if (failure !== undefined && RETRYABLE.has(failure.code)) {
      if (!(await retryLater(context))) return false;
    } else {
      throw new Error(
        `send refused: ${failure === undefined ? 'empty response' : `${wire.errorCodeToJSON(failure.code)}: ${failure.message}`}`,
      );
    }
  }
}

async function retryLater(context: SendContext): Promise<boolean> {
  if (performance.now() > context.giveUpAt) return false;
  context.counters.retries += 1;
  await sleep(RETRY_DELAY_MS);
  return true;
}
