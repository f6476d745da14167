import type { AccessClaims } from '@coming/access-token';
import type { BrokerSubscription } from '@coming/broker';
import type { Logger } from '@coming/logging';
import { type mailbox, type messaging, wire } from '@coming/proto';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceSocket } from '../connections/device-socket';
import type { GatewayMetrics } from '../gateway.metrics';
import type { MailboxRepository } from '../messages/mailbox.repository';
import { guidKey } from '../messages/server-guid';
import { AcknowledgementBatcher } from './acknowledgement-batcher';
import type { DeviceChannelRepository } from './device-channel.repository';

export interface DeviceSessionSettings {
  liveAckTimeoutMs: number;
  drainPageSize: number;
  /** Drained envelopes pushed and not yet acknowledged, at most. */
  drainWindow: number;
  /** How long the drain waits without any acknowledgement before recycling the socket. */
  drainAckTimeoutMs: number;
}

export interface DeviceSessionDependencies {
  channel: DeviceChannelRepository;
  mailbox: MailboxRepository;
  logger: Logger;
  metrics: GatewayMetrics;
  settings: DeviceSessionSettings;
}

const MAX_RETRY_DELAY_MS = 5_000;

class AcknowledgementTimeout extends Error {}

/**
 * One connected device: receives its live envelopes, drains its mailbox, and turns the
 * device's acknowledgements into live replies or mailbox deletes.
 *
 * The drain is pipelined: the next page is fetched while the current one is pushed, and
 * up to `drainWindow` envelopes may await their acknowledgement at once, so that a
 * backlog flows at the device's pace rather than one round trip per page.
 */
export class DeviceSession {
  readonly connectionId = randomUUID();
  private readonly liveWaiters = new Map<string, (acknowledged: boolean | undefined) => void>();
  /** Drained envelopes pushed and not yet acknowledged, by GUID, with their server timestamp. */
  private readonly unacknowledged = new Map<string, number>();
  private acknowledgementWaiter: (() => void) | undefined;
  private readonly storedAcks: AcknowledgementBatcher;
  private subscription: BrokerSubscription | undefined;
  /** The highest mailbox sequence fetched: the next fetch starts after it. */
  private cursor = 0;
  private drain: 'idle' | 'running' | 'rerun' = 'idle';
  private queueEmptySent = false;
  private closed = false;

  constructor(
    readonly device: AccessClaims,
    private readonly socket: DeviceSocket,
    private readonly dependencies: DeviceSessionDependencies,
  ) {
    this.storedAcks = new AcknowledgementBatcher((serverGuids) => dependencies.mailbox.ack(device.accountId, device.deviceId, serverGuids));
  }

  /** Subscribes before draining, so nothing stored meanwhile is missed. */
  async start(): Promise<void> {
    const { accountId, deviceId } = this.device;
    this.subscription = this.dependencies.channel.subscribe(accountId, deviceId, {
      onDeliver: (envelope) => this.pushLive(envelope),
      onStored: () => this.requestDrain(),
      onConnected: (connectionId) => {
        if (connectionId !== this.connectionId) this.displace();
      },
      onKeysLow: (count) => this.socket.send({ keysLow: { count } }),
      onRevoked: (reason) => this.closeSocket(wire.CloseCode.CLOSE_CODE_REVOKED, `device revoked: ${reason}`),
    });
    await this.dependencies.channel.announceConnection(accountId, deviceId, this.connectionId);
    this.requestDrain();
  }

  displace(): void {
    this.closeSocket(wire.CloseCode.CLOSE_CODE_DISPLACED, 'another connection of this device took over');
  }

  closeSocket(code: wire.CloseCode, reason: string): void {
    this.socket.close(code, reason);
  }

  /**
   * Fetches the mailbox again, for events that may have been missed (the broker was
   * away); what was already pushed is not pushed again.
   */
  requestDrain(): void {
    if (this.closed) return;
    if (this.drain !== 'idle') {
      this.drain = 'rerun';
      return;
    }
    this.drain = 'running';
    void this.drainMailbox();
  }

  /** Handles the device's acknowledgements; resolves once stored copies are deleted. */
  async acknowledge(serverGuids: Uint8Array[]): Promise<void> {
    const stored: Uint8Array[] = [];
    let drained = false;
    for (const guid of serverGuids) {
      const key = guidKey(guid);
      const serverTimestampMs = this.unacknowledged.get(key);
      if (serverTimestampMs !== undefined) {
        this.unacknowledged.delete(key);
        this.dependencies.metrics.acknowledged(serverTimestampMs, 'mailbox');
        drained = true;
      }
      const live = this.liveWaiters.get(key);
      // A live copy that is acknowledged in time was never stored. Anything else may have
      // been (a late acknowledgement, a duplicate, one racing the drain's fetch): delete it.
      if (live === undefined) stored.push(guid);
      else live(true);
    }
    if (drained) this.wakeDrain();
    await this.storedAcks.delete(stored);
  }

  close(): void {
    this.closed = true;
    this.subscription?.unsubscribe();
    for (const settle of [...this.liveWaiters.values()]) settle(undefined);
    this.wakeDrain();
  }

  private pushLive(envelope: messaging.Envelope): Promise<boolean | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    // A device that is not reading gets no more: the sender stores the copy at once.
    if (this.socket.congested) return Promise.resolve(false);
    const key = guidKey(envelope.serverGuid);
    return new Promise((resolve) => {
      const settle = (acknowledged: boolean | undefined) => {
        clearTimeout(timer);
        if (acknowledged === true) this.dependencies.metrics.acknowledged(envelope.serverTimestampMs, 'live');
        this.liveWaiters.delete(key);
        resolve(acknowledged);
      };
      const timer = setTimeout(() => settle(false), this.dependencies.settings.liveAckTimeoutMs);
      this.liveWaiters.set(key, settle);
      this.socket.send({ deliver: { envelope } });
    });
  }

  /** Pushes stored envelopes until none is left, retrying while the mailbox is unreachable. */
  private async drainMailbox(): Promise<void> {
    const { logger } = this.dependencies;
    let failures = 0;
    while (!this.closed) {
      try {
        await this.pushBacklog();
        failures = 0;
        if (!this.queueEmptySent) {
          await this.acknowledged(0);
          if (this.closed) return;
          this.queueEmptySent = true;
          this.socket.send({ queueEmpty: {} });
        }
        if (this.drain === 'rerun') {
          this.drain = 'running';
          continue;
        }
        this.drain = 'idle';
        return;
      } catch (error) {
        if (error instanceof AcknowledgementTimeout) {
          this.socket.close(wire.CloseCode.CLOSE_CODE_ACKNOWLEDGEMENT_TIMEOUT, 'pushed messages were not acknowledged in time; reconnect');
          return;
        }
        failures += 1;
        logger.warn({ err: error, failures }, 'mailbox drain failed; retrying');
        await sleep(Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** failures));
      }
    }
  }

  /** Fetches page after page, each one while the one before is being pushed. */
  private async pushBacklog(): Promise<void> {
    let next: Promise<mailbox.FetchResponse> | undefined = this.fetchAfterCursor();
    while (next !== undefined && !this.closed) {
      const page: mailbox.FetchResponse = await next;
      this.cursor = page.envelopes.reduce((highest, { sequence }) => Math.max(highest, sequence), this.cursor);
      next = page.hasMore ? this.fetchAfterCursor() : undefined;
      try {
        await this.pushPage(page.envelopes.flatMap(({ envelope }) => (envelope === undefined ? [] : [envelope])));
      } catch (error) {
        // The prefetched page is abandoned; it is fetched again after the retry.
        next?.catch(() => undefined);
        throw error;
      }
    }
  }

  private fetchAfterCursor(): Promise<mailbox.FetchResponse> {
    const { accountId, deviceId } = this.device;
    return this.dependencies.mailbox.fetch(accountId, deviceId, this.cursor, this.dependencies.settings.drainPageSize);
  }

  /** Pushes in corked bursts, as far as the window of unacknowledged envelopes and the socket's buffer allow. */
  private async pushPage(envelopes: messaging.Envelope[]): Promise<void> {
    const window = this.dependencies.settings.drainWindow;
    let next = 0;
    while (next < envelopes.length) {
      await this.acknowledged(window - 1);
      await this.socket.writable();
      if (this.closed || !this.socket.isOpen) return;
      const burst = envelopes.slice(next, next + window - this.unacknowledged.size);
      const written = this.socket.push(burst.map((envelope) => ({ deliver: { envelope } })));
      for (const envelope of burst.slice(0, written)) this.unacknowledged.set(guidKey(envelope.serverGuid), envelope.serverTimestampMs);
      next += written;
    }
  }

  /**
   * Resolves once at most `remaining` drained envelopes await acknowledgement (or the
   * session closed); throws when none is acknowledged for the ack timeout.
   */
  private async acknowledged(remaining: number): Promise<void> {
    while (this.unacknowledged.size > remaining && !this.closed) {
      const progressed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.dependencies.settings.drainAckTimeoutMs);
        this.acknowledgementWaiter = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.acknowledgementWaiter = undefined;
      if (!progressed) throw new AcknowledgementTimeout();
    }
  }

  private wakeDrain() {
    this.acknowledgementWaiter?.();
  }
}
