import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadFleet } from '../generator/load-fleet';
import type { LoopbackAddresses } from '../generator/loopback-addresses';
import { mapConcurrently } from '../generator/map-concurrently';
import { MessageLedger, type TrackedMessage } from '../generator/message-ledger';
import { type StackTarget, startStackTarget } from '../targets/stack.target';
import type { ChaosFault } from './chaos-faults';

// Load runs this long before each fault, so that the fault meets messages in flight.
const BEFORE_FAULT_MS = 1_500;
// After a fault the run waits for this many messages sent after it to be delivered (or the deadline).
const DELIVERIES_TO_RECOVER = 20;
const RECOVERY_DEADLINE_MS = 60_000;
// At the end, acknowledged messages get this long to arrive before they count as lost.
const FINAL_DELIVERY_DEADLINE_MS = 90_000;
const WINDOW = 2;

export interface FaultReport {
  fault: string;
  /** Messages first sent from this fault's start until the next fault's. */
  sent: number;
  acked: number;
  delivered: number;
  /** Acknowledged to the sender but never delivered: must be 0. */
  lost: number;
  /** Shown to the recipient twice, under two server GUIDs: must be 0. */
  duplicatesShown: number;
  /** Delivered among the messages first sent after the process was back. */
  deliveredAfterRestart: number;
  /** From the kill until the first message sent after it was acknowledged, s. */
  recoverySeconds: number | null;
  /** From the kill until the process was running and ready again, s. */
  restartSeconds: number;
  /**
   * Services that died by themselves during this fault (not the one killed); the run starts
   * them again, as a supervisor would, and reports them here.
   */
  crashed: string[];
}

export interface ChaosReport {
  faults: FaultReport[];
  total: Omit<FaultReport, 'fault' | 'recoverySeconds' | 'restartSeconds' | 'deliveredAfterRestart' | 'crashed'>;
  /** Pushes of an already received server GUID: at-least-once delivery at work, harmless. */
  redeliveries: number;
  offlineRecipients: number;
  passed: boolean;
}

export interface ChaosOptions {
  faults: readonly ChaosFault[];
  pairs: number;
  addresses: LoopbackAddresses;
  progress?: (text: string) => void;
}

/**
 * Load on the two-gateway stack (its own NATS, Redis and PostgreSQL) while each fault in
 * turn hits it. A third of the recipients stay offline throughout, so that the mailbox
 * path is under every fault too; they connect at the end and drain. Then every
 * acknowledged message must have been delivered, once.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const show = options.progress ?? (() => undefined);
  show('starting the stack with its own NATS, Redis and PostgreSQL');
  // Sockets left unacknowledged by a dead gateway are stored sooner, so recovery is quicker to see.
  const target = await startStackTarget({ label: 'chaos', env: { GATEWAY_LIVE_ACK_TIMEOUT_MS: '2000' } });
  try {
    const ledger = new MessageLedger();
    const fleet = await LoadFleet.create(target, ledger, options.pairs, options.addresses);
    const offline = fleet.recipients.slice(Math.ceil((fleet.recipients.length * 2) / 3));
    await Promise.all(offline.map((party) => party.connection.close()));

    let phase = 'before faults';
    let stopped = false;
    const load = fleet.runUntil(
      () => stopped,
      () => phase,
      WINDOW,
    );
    const marks: { fault: string; killedAt: number; backAt: number; crashed: string[] }[] = [];
    try {
      await sleep(BEFORE_FAULT_MS);
      for (const fault of options.faults) {
        phase = fault.name;
        await sleep(BEFORE_FAULT_MS);
        show(`${fault.name}: injecting`);
        const killedAt = performance.now();
        await fault.inject(target);
        const backAt = performance.now();
        const mark = { fault: fault.name, killedAt, backAt, crashed: [] as string[] };
        marks.push(mark);
        show(`${fault.name}: back after ${((backAt - killedAt) / 1000).toFixed(1)} s; waiting for deliveries`);
        await until(() => {
          restartCrashed(target, mark.crashed, show);
          return deliveredSince(ledger.messages, backAt) >= DELIVERIES_TO_RECOVER;
        }, RECOVERY_DEADLINE_MS);
      }
      phase = 'after faults';
      await sleep(BEFORE_FAULT_MS);
    } finally {
      stopped = true;
      await load;
    }

    show(`connecting ${offline.length} offline recipients; waiting for every acknowledged message`);
    const reconnected = await mapConcurrently(offline, 16, (party) =>
      withDeadline(
        fleet.connectDrained(target.recipientUrl, party.device),
        FINAL_DELIVERY_DEADLINE_MS,
        "an offline recipient's drain",
      ).catch((error: unknown) => {
        // What it did not receive counts as lost below.
        show(String(error));
        return undefined;
      }),
    );
    const missing = () => ledger.messages.filter((message) => message.ackedAt !== undefined && message.deliveredAt === undefined).length;
    await until(() => {
      show(`${missing()} acknowledged messages not delivered yet`);
      return missing() === 0;
    }, FINAL_DELIVERY_DEADLINE_MS);
    await Promise.all([fleet.close(), ...reconnected.map((party) => party?.connection.close())]);

    const faults = marks.map(({ fault, killedAt, backAt, crashed }) => {
      const messages = ledger.messages.filter((message) => message.phase === fault);
      const acked = ledger.messages
        .filter((message) => message.sentAt >= killedAt && message.ackedAt !== undefined)
        .map((message) => message.ackedAt!);
      return {
        fault,
        ...counts(messages),
        deliveredAfterRestart: deliveredSince(ledger.messages, backAt),
        recoverySeconds: acked.length === 0 ? null : (Math.min(...acked) - killedAt) / 1000,
        restartSeconds: (backAt - killedAt) / 1000,
        crashed,
      };
    });
    const total = counts(ledger.messages);
    return {
      faults,
      total,
      redeliveries: ledger.redeliveries,
      offlineRecipients: offline.length,
      passed: total.lost === 0 && total.duplicatesShown === 0 && faults.every((fault) => fault.deliveredAfterRestart > 0),
    };
  } finally {
    await target.stop();
  }
}

/** Starts again any service that died by itself, once, noting its name. */
function restartCrashed(target: StackTarget, crashed: string[], show: (text: string) => void): void {
  const { stack } = target;
  for (const service of [stack.auth, stack.mailbox, stack.keys, stack.payments, ...stack.gateways]) {
    if (service.running || crashed.includes(service.options.name)) continue;
    crashed.push(service.options.name);
    show(`${service.options.name} died by itself; starting it again`);
    void service.start().catch((error: unknown) => show(`${service.options.name} did not start again: ${String(error)}`));
  }
}

/** Rejects when `promise` has not settled within `ms`, so that the run stops by itself. */
async function withDeadline<Value>(promise: Promise<Value>, ms: number, what: string): Promise<Value> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function counts(messages: TrackedMessage[]) {
  return {
    sent: messages.length,
    acked: messages.filter((message) => message.ackedAt !== undefined).length,
    delivered: messages.filter((message) => message.deliveredAt !== undefined).length,
    lost: messages.filter((message) => message.ackedAt !== undefined && message.deliveredAt === undefined).length,
    duplicatesShown: messages.reduce((sum, message) => sum + (message.duplicates ?? 0), 0),
  };
}

function deliveredSince(messages: TrackedMessage[], since: number): number {
  return messages.filter((message) => message.sentAt >= since && message.deliveredAt !== undefined).length;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition() && performance.now() < deadline) await sleep(1_000);
}
