import type { AccessClaims } from '@coming/access-token';
import type { BrokerSubscription } from '@coming/broker';
import type { Logger } from '@coming/logging';
import { type messaging, wire } from '@coming/proto';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayMetrics } from '../gateway.metrics';
import type { MailboxRepository } from '../messages/mailbox.repository';
import { guidKey } from '../messages/server-guid';
import type { DeviceChannelRepository } from './device-channel.repository';

/** What a session needs of the socket it serves. */
export interface DeviceSocket {
  send(frame: wire.ServerFrame): void;
  close(code: wire.CloseCode, reason: string): void;
}

export interface DeviceSessionSettings {
  liveAckTimeoutMs: number;
  drainPageSize: number;
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

/**
 * One connected device: receives its live envelopes, drains its mailbox in pages, and
 * turns the device's acknowledgements into live replies or mailbox deletes.
 */
export class DeviceSession {
  readonly connectionId = randomUUID();
  private readonly liveWaiters = new Map<string, (acknowledged: boolean | undefined) => void>();
  private readonly drainWaiters = new Map<string, () => void>();
  private subscriptions: BrokerSubscription[] = [];
  private cursor = 0;
  private drain: 'idle' | 'running' | 'rerun' = 'idle';
  private queueEmptySent = false;
  private closed = false;

  constructor(
    readonly device: AccessClaims,
    private readonly socket: DeviceSocket,
    private readonly dependencies: DeviceSessionDependencies,
  ) {}

  /** Subscribes before draining, so nothing stored meanwhile is missed. */
  async start(): Promise<void> {
    const { accountId, deviceId } = this.device;
    this.subscriptions = this.dependencies.channel.subscribe(accountId, deviceId, {
      onDeliver: (envelope) => this.pushLive(envelope),
      onStored: () => this.requestDrain(),
      onConnected: (connectionId) => {
        if (connectionId !== this.connectionId) this.displace();
      },
      onKeysLow: (count) => this.socket.send({ keysLow: { count } }),
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

  /** Handles the device's acknowledgements; resolves once stored copies are deleted. */
  async acknowledge(serverGuids: Uint8Array[]): Promise<void> {
    const stored: Uint8Array[] = [];
    for (const guid of serverGuids) {
      const key = guidKey(guid);
      this.drainWaiters.get(key)?.();
      this.drainWaiters.delete(key);
      const live = this.liveWaiters.get(key);
      if (live === undefined) stored.push(guid);
      else live(true);
    }
    await this.dependencies.mailbox.ack(this.device.accountId, this.device.deviceId, stored);
  }

  close(): void {
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const settle of [...this.liveWaiters.values()]) settle(undefined);
    this.drainWaiters.clear();
  }

  private pushLive(envelope: messaging.Envelope): Promise<boolean | undefined> {
    if (this.closed) return Promise.resolve(undefined);
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

  private requestDrain(): void {
    if (this.closed) return;
    if (this.drain !== 'idle') {
      this.drain = 'rerun';
      return;
    }
    this.drain = 'running';
    void this.drainMailbox();
  }

  /** Pushes stored envelopes a page at a time, retrying while the mailbox is unreachable. */
  private async drainMailbox(): Promise<void> {
    const { mailbox, logger, settings } = this.dependencies;
    let failures = 0;
    while (!this.closed) {
      try {
        const page = await mailbox.fetch(this.device.accountId, this.device.deviceId, this.cursor, settings.drainPageSize);
        failures = 0;
        if (!(await this.pushPage(page.envelopes))) return;
        if (page.hasMore) continue;
        if (!this.queueEmptySent) {
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
        failures += 1;
        logger.warn({ err: error, failures }, 'mailbox drain failed; retrying');
        await sleep(Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** failures));
      }
    }
  }

  /** False when the device left the page unacknowledged and was told to reconnect. */
  private async pushPage(page: { sequence: number; envelope?: messaging.Envelope | undefined }[]): Promise<boolean> {
    const acknowledged = page.flatMap(({ sequence, envelope }) => {
      this.cursor = Math.max(this.cursor, sequence);
      if (envelope === undefined) return [];
      const waiting = new Promise<void>((resolve) =>
        this.drainWaiters.set(guidKey(envelope.serverGuid), () => {
          this.dependencies.metrics.acknowledged(envelope.serverTimestampMs, 'mailbox');
          resolve();
        }),
      );
      this.socket.send({ deliver: { envelope } });
      return [waiting];
    });
    const cancelTimeout = new AbortController();
    const timeout = sleep(this.dependencies.settings.drainAckTimeoutMs, 'timeout' as const, { signal: cancelTimeout.signal });
    const outcome = await Promise.race([Promise.all(acknowledged).then(() => 'acknowledged' as const), timeout]);
    // Promise.race already observes the aborted timer's rejection.
    cancelTimeout.abort();
    if (outcome === 'acknowledged' || this.closed) return !this.closed;
    this.socket.close(wire.CloseCode.CLOSE_CODE_ACKNOWLEDGEMENT_TIMEOUT, 'pushed messages were not acknowledged in time; reconnect');
    return false;
  }
}
