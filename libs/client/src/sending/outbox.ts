import type { wire } from '@coming/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { ServerHealth } from '../connection/server-health';
import { answerOf } from '../devices/device-request';
import type { RecipientDevices } from '../recipients/recipient-devices';
import { retryDelayMs } from '../retry';
import type { SerialQueue } from '../serial-queue';
import type { ContentBody, EndToEnd } from '../signal/end-to-end';
import type { StateKeeper } from '../state-keeper';
import { chooseCarrier } from '../transport/sms/carrier-choice';
import type { SmsOutbound } from '../transport/sms/sms-outbound';
import type { SmsRoute, SmsRoutes } from '../transport/sms/sms-routes';
import { SmsTransportError, SmsTransportErrorCode } from '../transport/sms/sms-transport.errors';
import type { ServerLink } from '../transport/transport';
import type { RefusedCopies } from './refused-copies';
import type { ServerBacklog } from './server-backlog';

/** One message to send: its content, and the identifiers every retry keeps. */
export interface OutgoingMessage {
  to: string;
  body: ContentBody;
  /** 16 random bytes; resending with the same ID does not duplicate the message. */
  clientMessageId: Uint8Array;
  clientTimestampMs: number;
}

/** A copy that went by SMS, to the device of the contact's route. */
export interface SmsOutcome {
  deviceId: number;
  outcome: 'sms';
}

/** What became of a message: the server's word per device, copies sent by SMS, and copies waiting for the server. */
export interface SendResult {
  /** One per recipient device when the server took the message; empty when it did not (yet). */
  outcomes: wire.DeviceOutcome[];
  sms: SmsOutcome[];
  /** Devices whose copies wait, encrypted, for the server to answer again; they go on the next connection. */
  queuedForServer: number[];
}

export interface OutboxSendOptions {
  /**
   * When the server does not answer, keep the message for it, encrypted, rather than retry
   * until the deadline: for the sync transcript of a message that went by SMS.
   */
  queueIfUnreachable?: boolean;
}

/** How the outbox picks a carrier and reaches SMS. */
export interface Carriers {
  routes: SmsRoutes;
  health: ServerHealth;
  /** How long the server must have been unreachable before `auto` sends by SMS. */
  outageMs: number;
  /** Absent when the client has no SMS carrier: then every message goes by the server. */
  sms?: SmsOutbound;
  /** Problems with no caller left to throw to. */
  report(error: Error): void;
}

const nothingSent = (): SendResult => ({ outcomes: [], sms: [], queuedForServer: [] });

/**
 * Sends messages to every device of their recipient: starts the sessions that are missing,
 * encrypts once per device, and retries with the same client message ID while the server
 * is unreachable or asks to wait. When the server says the device list is stale, the list
 * is corrected and only the devices new to it get a copy encrypted; the others keep theirs.
 *
 * Under a contact's SMS policy (see chooseCarrier) a message goes by SMS too: the copy of
 * the device the route names, the very ciphertext its server copy carries, so that the
 * ratchet never sees one message encrypted twice and the recipient's inbox shows it once
 * whichever carrier brings it first. Under `auto`, all the copies are then kept for the
 * server too (ServerBacklog) and handed over once it answers again.
 */
export class Outbox {
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly keeper: StateKeeper,
    private readonly connected: () => Promise<ServerLink>,
    private readonly endToEnd: EndToEnd,
    private readonly recipients: RecipientDevices,
    private readonly refusedCopies: RefusedCopies,
    private readonly signal: SerialQueue,
    private readonly backlog: ServerBacklog,
    private readonly carriers: Carriers,
  ) {}

  /** Resolves once the server or SMS took the message, or it waits for the server; with nothing when the recipient has no devices. */
  async send(message: OutgoingMessage, deadlineMs: number, { queueIfUnreachable = false }: OutboxSendOptions = {}): Promise<SendResult> {
    const route = this.carriers.routes.get(message.to);
    if (route?.policy === 'sms') return this.sendBySms(message, route, [], false);
    const smsRoute = route?.policy === 'auto' && this.carriers.sms !== undefined ? route : undefined;
    return this.viaServer(message, Date.now() + deadlineMs, { smsRoute, queueIfUnreachable });
  }

  /** Hands the server the messages kept while it was away, oldest first; stops at the first it cannot take now. */
  flushBacklog(): Promise<void> {
    this.flushing ??= this.flushAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushAll(): Promise<void> {
    for (let kept = this.backlog.first(); kept !== undefined; kept = this.backlog.first()) {
      const { request, body } = kept;
      const message = {
        to: request.destinationAccount,
        body,
        clientMessageId: request.clientMessageId,
        clientTimestampMs: request.clientTimestampMs,
      };
      try {
        // One try: a server gone again leaves the rest for the next connection.
        await this.viaServer(message, Date.now(), { queueIfUnreachable: false }, request.messages);
      } catch (error) {
        if (retryDelayMs(error, 0) !== undefined) return;
        const reason = error instanceof Error ? error.message : String(error);
        this.carriers.report(
          new ClientError(
            error instanceof ClientError ? error.code : ClientErrorCode.Refused,
            `a message to ${message.to} kept while the server was away was refused by it: ${reason}`,
            error instanceof ClientError ? error.serverError : undefined,
            { cause: error },
          ),
        );
      }
      this.backlog.shift();
      await this.keeper.save();
    }
  }

  private async viaServer(
    message: OutgoingMessage,
    deadline: number,
    fallback: { smsRoute?: SmsRoute; queueIfUnreachable: boolean },
    kept: wire.OutgoingMessage[] = [],
  ): Promise<SendResult> {
    // Encrypted once and resent as is: a retry must not advance the ratchet again.
    let messages = kept;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const link = await this.connected();
        messages = await this.signal.run(() => this.encryptOnline(link, message, messages));
        if (messages.length === 0) return nothingSent();
        const request = requestOf(message, messages);
        const outcomes = await link.send(request);
        this.refusedCopies.retryLater(request, outcomes);
        return { outcomes, sms: [], queuedForServer: [] };
      } catch (error) {
        if (this.recipients.correct(message.to, error)) continue;
        let delayMs = retryDelayMs(error, attempt);
        if (delayMs === undefined) throw error;
        const outageMs = this.carriers.health.outageMs();
        if (outageMs !== undefined) {
          const choice = chooseCarrier(fallback.smsRoute?.policy, outageMs, this.carriers.outageMs);
          if (choice.carrier === 'sms') return this.sendBySms(message, fallback.smsRoute!, messages, true);
          if (fallback.queueIfUnreachable) return this.queueForServer(message, messages);
          if (choice.smsInMs !== undefined) delayMs = Math.min(delayMs, choice.smsInMs);
        }
        if (Date.now() + delayMs >= deadline) throw error;
        await sleep(delayMs);
      }
    }
  }

  /**
   * Sends the copy of the route's device by SMS. With `alsoForServer` (auto, the server
   * away) every device's copy is kept for the server too, first, so that a failed SMS
   * still leaves the message on its way; without (the `sms` policy) only the route's
   * device gets the message.
   */
  private async sendBySms(
    message: OutgoingMessage,
    route: SmsRoute,
    kept: wire.OutgoingMessage[],
    alsoForServer: boolean,
  ): Promise<SendResult> {
    const outbound = this.carriers.sms;
    if (outbound === undefined) {
      throw new SmsTransportError(
        SmsTransportErrorCode.NotConfigured,
        `the policy for ${message.to} is sms, but this client has no SMS carrier`,
      );
    }
    const { accountId, deviceId } = this.keeper.state;
    if (deviceId === undefined)
      throw new ClientError(ClientErrorCode.Identity, 'this device has not registered yet: it has no device ID to send from');
    const messages = await this.signal.run(() => this.encryptOffline(message, kept, route.device, alsoForServer));
    const copy = messages.find(({ destinationDevice }) => destinationDevice === route.device);
    if (copy === undefined) {
      throw new SmsTransportError(
        SmsTransportErrorCode.NoSession,
        `no session with device ${route.device} of ${message.to} and no cached prekey bundle to start one: set their route again while the server answers`,
      );
    }
    const queuedForServer = alsoForServer ? await this.keep(message, messages) : [];
    const { clientMessageId, clientTimestampMs } = message;
    try {
      await outbound.send(route.phone, {
        sourceAccount: accountId,
        sourceDevice: deviceId,
        clientMessageId,
        clientTimestampMs,
        message: copy,
      });
    } catch (error) {
      if (!alsoForServer) throw error;
      this.carriers.report(error instanceof Error ? error : new Error(String(error)));
      return { outcomes: [], sms: [], queuedForServer };
    }
    return { outcomes: [], sms: [{ deviceId: route.device, outcome: 'sms' }], queuedForServer };
  }

  private async queueForServer(message: OutgoingMessage, kept: wire.OutgoingMessage[]): Promise<SendResult> {
    const messages = await this.signal.run(() => this.encryptOffline(message, kept, undefined, true));
    if (messages.length === 0) return nothingSent();
    return { outcomes: [], sms: [], queuedForServer: await this.keep(message, messages) };
  }

  private async keep(message: OutgoingMessage, messages: wire.OutgoingMessage[]): Promise<number[]> {
    this.backlog.add(requestOf(message, messages), message.body);
    await this.keeper.save();
    return messages.map(({ destinationDevice }) => destinationDevice);
  }

  /** Copies for every device the server would expect; sessions missing are started from the key directory. */
  private async encryptOnline(
    link: ServerLink,
    { to, body }: OutgoingMessage,
    kept: wire.OutgoingMessage[],
  ): Promise<wire.OutgoingMessage[]> {
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
    if (known === undefined) {
      const bundles = await link.bundles(to);
      const started = await this.endToEnd.startSessions(
        to,
        bundles,
        this.recipients.others(
          to,
          bundles.devices.map(({ deviceId }) => deviceId),
        ),
      );
      this.recipients.adopt(to, started);
      return this.encryptFor(to, started, body, kept, async () => []);
    }
    return this.encryptFor(to, known, body, kept, async (missing) => {
      await this.endToEnd.startSessions(to, await link.bundles(to), missing);
      // Every device the server expects is encrypted for: one the directory gave no keys for fails here, as it must.
      return missing;
    });
  }

  /**
   * Copies made with no server: for the devices last known (or, for a first contact, those
   * of the cached bundle), or with `everyDevice` false only for `smsDevice`. Sessions
   * missing start from the prekey bundle cached when the route was set; devices with no
   * session and no bundle get no copy here, and the server names them when it is back.
   */
  private async encryptOffline(
    { to, body }: OutgoingMessage,
    kept: wire.OutgoingMessage[],
    smsDevice: number | undefined,
    everyDevice: boolean,
  ): Promise<wire.OutgoingMessage[]> {
    const cached = this.carriers.routes.cachedBundle(to);
    const lastKnown = this.recipients.lastKnown(to);
    const listed = everyDevice ? (lastKnown ?? this.recipients.others(to, cached?.devices.map(({ deviceId }) => deviceId) ?? [])) : [];
    const devices = [...new Set([...listed, ...(smsDevice === undefined ? [] : [smsDevice])])].sort((a, b) => a - b);
    const messages = await this.encryptFor(to, devices, body, kept, async (missing) => {
      if (cached === undefined) return [];
      const started = await this.endToEnd.startSessions(to, cached, missing);
      // Its one-time prekeys are spent: starting again from it would fail at the recipient.
      if (started.length > 0) this.carriers.routes.dropBundle(to);
      return started;
    });
    // A first contact's devices as far as known, so that the server's own bundles do not start second sessions over these.
    if (lastKnown === undefined && messages.length > 0)
      this.recipients.adopt(
        to,
        messages.map(({ destinationDevice }) => destinationDevice),
      );
    return messages;
  }

  /**
   * One copy per device of `devices`: those in `kept` as they are, the others encrypted
   * now, after `start` started the sessions they lack (it returns the devices it started).
   */
  private async encryptFor(
    to: string,
    devices: readonly number[],
    body: ContentBody,
    kept: wire.OutgoingMessage[],
    start: (missing: number[]) => Promise<number[]>,
  ): Promise<wire.OutgoingMessage[]> {
    const copies = new Map(kept.map((message) => [message.destinationDevice, message]));
    const wanted = devices.filter((device) => !copies.has(device));
    if (wanted.length > 0) {
      const missing = await this.endToEnd.missingSessions(to, wanted);
      const started = missing.length > 0 ? await start(missing) : [];
      const ready = wanted.filter((device) => !missing.includes(device) || started.includes(device));
      for (const message of await this.endToEnd.encrypt(to, ready, body)) copies.set(message.destinationDevice, message);
      await this.keeper.save();
    }
    return devices.flatMap((device) => copies.get(device) ?? []);
  }
}

function requestOf(message: OutgoingMessage, messages: wire.OutgoingMessage[]): wire.SendMessageRequest {
  const { to, clientMessageId, clientTimestampMs } = message;
  return { destinationAccount: to, clientMessageId, clientTimestampMs, messages, retryOfRefused: false };
}
