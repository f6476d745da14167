import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Target } from '../targets/target';
import { generateAccountKey, type LoadDevice, loginDevice } from './load-account';
import { LoadConnection } from './load-connection';
import type { LoopbackAddresses } from './loopback-addresses';
import { mapConcurrently } from './map-concurrently';
import type { MessageLedger, TrackedMessage } from './message-ledger';
import { DeviceLists, emptySendCounters, type SendCounters, sendMessage } from './send-message';

const LOGIN_CONCURRENCY = 16;
const CONNECT_CONCURRENCY = 64;
const KEYS_TIMEOUT_MS = 60_000;
// A message not acknowledged this long after its round ended is given up (and reported).
const GIVE_UP_AFTER_ROUND_MS = 60_000;
// Open-loop sending stops adding messages while this many wait for an answer.
const OPEN_LOOP_IN_FLIGHT_CAP = 5_000;

export interface Party {
  device: LoadDevice;
  connection: LoadConnection;
}

export interface RoundResult {
  /** Messages sent in this round, in order. */
  messages: TrackedMessage[];
  startedAt: number;
  endedAt: number;
}

/**
 * Senders and recipients in pairs on one target, each a logged-in account with one device
 * and one socket; recipients record what they receive in the ledger.
 */
export class LoadFleet {
  readonly counters: SendCounters = emptySendCounters();
  private readonly deviceLists = new DeviceLists();

  private constructor(
    readonly target: Target,
    readonly ledger: MessageLedger,
    readonly senders: Party[],
    readonly recipients: Party[],
    private readonly addresses: LoopbackAddresses,
  ) {}

  static async create(target: Target, ledger: MessageLedger, pairs: number, addresses: LoopbackAddresses): Promise<LoadFleet> {
    const senders = await loginMany(target.senderUrl, pairs);
    const recipients = await loginMany(target.recipientUrl, pairs);
    return LoadFleet.connect(target, ledger, senders, recipients, addresses);
  }

  /** A fleet of devices already logged in: senders' on the target's sender URL, recipients' on its recipient URL. */
  static async connect(
    target: Target,
    ledger: MessageLedger,
    senders: LoadDevice[],
    recipients: LoadDevice[],
    addresses: LoopbackAddresses,
  ): Promise<LoadFleet> {
    const fleet = new LoadFleet(target, ledger, [], [], addresses);
    fleet.senders.push(...(await fleet.connectAll(target.senderUrl, senders)));
    fleet.recipients.push(...(await fleet.connectAll(target.recipientUrl, recipients)));
    return fleet;
  }

  /** Opens sockets that reconnect by themselves, each resolved once its queue is drained. */
  async connectAll(serverUrl: string, devices: LoadDevice[]): Promise<Party[]> {
    return mapConcurrently(devices, CONNECT_CONCURRENCY, (device) => this.connectDrained(serverUrl, device));
  }

  async connectDrained(serverUrl: string, device: LoadDevice, onDeliver = () => undefined): Promise<Party> {
    let drained!: () => void;
    const queueEmpty = new Promise<void>((resolve) => (drained = resolve));
    const connection = new LoadConnection({
      serverUrl,
      device,
      localAddress: this.addresses.take(),
      reconnect: true,
      onDeliver: (envelope) => {
        this.ledger.delivered(envelope);
        onDeliver();
      },
      onQueueEmpty: () => drained(),
    });
    await connection.open();
    const published = await connection.request({ uploadKeys: device.keys }, KEYS_TIMEOUT_MS);
    if (published.error !== undefined) throw new Error(`key upload refused: ${published.error.message}`);
    // By QueueEmpty the gateway has also subscribed the device to live deliveries.
    await queueEmpty;
    return { device, connection };
  }

  /**
   * Closed loop: every sender keeps `window` messages in flight to its recipient, each
   * acknowledged only after the recipient acknowledged it, for `durationMs`.
   */
  async closedLoop(phase: string, durationMs: number, window: number): Promise<RoundResult> {
    const first = this.ledger.messages.length;
    const startedAt = performance.now();
    const endsAt = startedAt + durationMs;
    const context = this.context(phase, endsAt);
    const worker = async (index: number) => {
      while (performance.now() < endsAt) {
        await sendMessage(this.senders[index]!.connection, this.recipients[index]!.device, context);
      }
    };
    await Promise.all(this.senders.flatMap((_, index) => Array.from({ length: window }, () => worker(index))));
    return { messages: this.ledger.messages.slice(first), startedAt, endedAt: endsAt };
  }

  /** Open loop: `rate` new messages a second, spread over the pairs, for `durationMs`; then waits for the last answers. */
  async openLoop(phase: string, durationMs: number, rate: number): Promise<RoundResult> {
    const first = this.ledger.messages.length;
    const startedAt = performance.now();
    const endsAt = startedAt + durationMs;
    const context = this.context(phase, endsAt);
    const inFlight = new Set<Promise<boolean>>();
    let issued = 0;
    while (performance.now() < endsAt) {
      const due = Math.floor(((performance.now() - startedAt) / 1000) * rate) - issued;
      for (let n = 0; n < due && inFlight.size < OPEN_LOOP_IN_FLIGHT_CAP; n += 1) {
        const pair = issued % this.senders.length;
        const sending = sendMessage(this.senders[pair]!.connection, this.recipients[pair]!.device, context);
        inFlight.add(sending);
        void sending.finally(() => inFlight.delete(sending));
        issued += 1;
      }
      await sleep(2);
    }
    await Promise.all(inFlight);
    return { messages: this.ledger.messages.slice(first), startedAt, endedAt: endsAt };
  }

  /**
   * Keeps every sender sending to its recipient, `window` messages in flight, until
   * `stopped()`; each message is filed under the phase current when it is first sent.
   */
  async runUntil(stopped: () => boolean, phase: () => string, window: number): Promise<void> {
    const worker = async (index: number) => {
      while (!stopped()) {
        const context = this.context(phase(), performance.now());
        await sendMessage(this.senders[index]!.connection, this.recipients[index]!.device, context);
      }
    };
    await Promise.all(this.senders.flatMap((_, index) => Array.from({ length: window }, () => worker(index))));
  }

  /** Every sender sends to `to` until `count` messages are acknowledged, `window` each in flight. */
  async sendCount(phase: string, to: LoadDevice, count: number, window: number): Promise<RoundResult> {
    const first = this.ledger.messages.length;
    const startedAt = performance.now();
    const context = this.context(phase, startedAt + GIVE_UP_AFTER_ROUND_MS);
    let remaining = count;
    const worker = async (index: number) => {
      while (remaining > 0) {
        remaining -= 1;
        await sendMessage(this.senders[index]!.connection, to, context);
      }
    };
    await Promise.all(this.senders.flatMap((_, index) => Array.from({ length: window }, () => worker(index))));
    return { messages: this.ledger.messages.slice(first), startedAt, endedAt: performance.now() };
  }

  async close(): Promise<void> {
    await Promise.all([...this.senders, ...this.recipients].map((party) => party.connection.close()));
  }

  private context(phase: string, endsAt: number) {
    return {
      ledger: this.ledger,
      deviceLists: this.deviceLists,
      counters: this.counters,
      phase,
      giveUpAt: endsAt + GIVE_UP_AFTER_ROUND_MS,
    };
  }
}

/**
 * Logs in `count` devices of fresh accounts, `devicesPerAccount` each (at most 16). The
 * account keys are derived first, so `timed` covers the logins alone: challenge,
 * signature, login.
 */
export async function loginMany(
  serverUrl: string,
  count: number,
  devicesPerAccount = 1,
  timed: (seconds: number) => void = () => undefined,
): Promise<LoadDevice[]> {
  const keys = Array.from({ length: Math.ceil(count / devicesPerAccount) }, generateAccountKey);
  // Round-robin over the accounts, so that logins running together register devices of different accounts.
  const logins = Array.from({ length: count }, (_, index) => keys[index % keys.length]!);
  const startedAt = performance.now();
  const devices = await mapConcurrently(logins, LOGIN_CONCURRENCY, (key) => loginDevice(serverUrl, key));
  timed((performance.now() - startedAt) / 1000);
  return devices;
}
