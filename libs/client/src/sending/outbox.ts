import type { wire } from '@coming/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecipientDevices } from '../recipients/recipient-devices';
import { retryDelayMs } from '../retry';
import type { SerialQueue } from '../serial-queue';
import type { ContentBody, EndToEnd } from '../signal/end-to-end';
import type { StateKeeper } from '../state-keeper';
import { answerOf } from '../devices/device-request';
import type { ServerLink } from '../transport/transport';
import type { RefusedCopies } from './refused-copies';

/** One message to send: its content, and the identifiers every retry keeps. */
export interface OutgoingMessage {
  to: string;
  body: ContentBody;
  /** 16 random bytes; resending with the same ID does not duplicate the message. */
  clientMessageId: Uint8Array;
  clientTimestampMs: number;
}

/**
 * Sends messages to every device of their recipient: starts the sessions that are missing,
 * encrypts once per device, and retries with the same client message ID while the server
 * is unreachable or asks to wait. When the server says the device list is stale, the list
 * is corrected and the message encrypted again for the new one.
 */
export class Outbox {
  constructor(
    private readonly keeper: StateKeeper,
    private readonly connected: () => Promise<ServerLink>,
    private readonly endToEnd: EndToEnd,
    private readonly recipients: RecipientDevices,
    private readonly refusedCopies: RefusedCopies,
    private readonly signal: SerialQueue,
  ) {}

  /** Resolves with each recipient device's outcome once the server has taken the message, or none if it has no devices. */
  async send(message: OutgoingMessage, deadlineMs: number): Promise<wire.DeviceOutcome[]> {
    const { to, body, clientMessageId, clientTimestampMs } = message;
    const deadline = Date.now() + deadlineMs;
    let messages: wire.OutgoingMessage[] | undefined;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const link = await this.connected();
        // Encrypted once and resent as is: a retry must not advance the ratchet again.
        messages ??= await this.signal.run(() => this.encryptForAllDevices(link, to, body));
        if (messages.length === 0) return [];
        const request = { destinationAccount: to, clientMessageId, clientTimestampMs, messages, retryOfRefused: false };
        const outcomes = await link.send(request);
        this.refusedCopies.retryLater(request, outcomes);
        return outcomes;
      } catch (error) {
        if (this.recipients.correct(to, error)) {
          messages = undefined;
          continue;
        }
        const delayMs = retryDelayMs(error, attempt);
        if (delayMs === undefined || Date.now() + delayMs >= deadline) throw error;
        await sleep(delayMs);
      }
    }
  }

  /** Starts sessions with devices that lack one, then encrypts for each known device. */
  private async encryptForAllDevices(link: ServerLink, to: string, body: ContentBody): Promise<wire.OutgoingMessage[]> {
    if (this.recipients.known(to) === undefined && to === this.keeper.state.accountId) {
      // The account's device list claims nothing, where the key directory would claim a
      // one-time prekey of every device (this one included) and spend a fetch budget: ask
      // it first, so that an account with one device never fetches its own bundles.
      const listing = answerOf(await link.requestDevices({ listDevices: {} }), 'listDevices');
      this.recipients.adopt(
        to,
        listing.devices.filter(({ ready }) => ready).map(({ deviceId }) => deviceId),
      );
    }
    const known = this.recipients.known(to);
    const missing = known === undefined ? undefined : await this.endToEnd.missingSessions(to, known);
    if (missing === undefined || missing.length > 0) {
      const bundles = await link.bundles(to);
      const started = await this.endToEnd.startSessions(
        to,
        bundles,
        missing ??
          this.recipients.others(
            to,
            bundles.devices.map(({ deviceId }) => deviceId),
          ),
      );
      if (known === undefined) this.recipients.adopt(to, started);
    }
    const messages = await this.endToEnd.encrypt(to, this.recipients.known(to) ?? [], body);
    await this.keeper.save();
    return messages;
  }
}
