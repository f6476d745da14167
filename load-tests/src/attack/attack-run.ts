import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateAccountKey, loginDevice } from '../generator/load-account';
import { LoadFleet, loginMany } from '../generator/load-fleet';
import type { LoopbackAddresses } from '../generator/loopback-addresses';
import { MessageLedger, type TrackedMessage } from '../generator/message-ledger';
import { percentile } from '../measure/percentiles';
import { startStackTarget } from '../targets/stack.target';
import type { Attack, AttackTarget } from './attack';
import { AttackProcess, type NamedEffect } from './attack-process';

// Settings that let each attack show its effect within a short phase; the report names them.
export const ATTACK_STACK_ENV: Readonly<Record<string, string>> = {
  // A reader that stays stuck is closed after 3 s rather than 30 s.
  GATEWAY_SLOW_READER_TIMEOUT_MS: '3000',
  // A flooding sender reaches its share of a mailbox within a few seconds.
  MAILBOX_MAX_ENVELOPES_PER_SENDER: '200',
};
// The attackers' source addresses start here, far from the honest users' few.
const ATTACKER_ADDRESSES = 2_000;
// Acknowledged honest messages get this long after their phase to arrive before they count as lost.
const DELIVERY_DEADLINE_MS = 30_000;

export interface HonestFigures {
  sent: number;
  acked: number;
  delivered: number;
  /** Acknowledged to the honest sender but never delivered. */
  lost: number;
  /** One-way latency, sender's send to recipient's receipt, ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PhaseReport {
  /** `quiet`, an attack's name, or `all` for every attack at once. */
  phase: string;
  honest: HonestFigures;
  effects: NamedEffect[];
}

export interface AttackReport {
  rate: number;
  phaseSeconds: number;
  env: Readonly<Record<string, string>>;
  phases: PhaseReport[];
  /** Every honest message delivered in every phase, and every attack's honest check held. */
  passed: boolean;
}

export interface AttackOptions {
  attacks: readonly Attack[];
  /** Also run every attack at once, after each alone. */
  together: boolean;
  phaseMs: number;
  /** Honest messages a second. */
  rate: number;
  addresses: LoopbackAddresses;
  progress?: (text: string) => void;
}

/**
 * An honest pair of users on the two-gateway stack (sender on the first gateway, recipient
 * on the second) sends at a steady rate while each attack runs in turn, with quiet phases
 * before and after to compare with. Every honest message must arrive, in every phase.
 */
export async function runAttacks(options: AttackOptions): Promise<AttackReport> {
  const show = options.progress ?? (() => undefined);
  show('starting the stack with its own NATS, Redis and PostgreSQL');
  const target = await startStackTarget({ label: 'attack', env: { ...ATTACK_STACK_ENV } });
  try {
    const ledger = new MessageLedger();
    const key = generateAccountKey();
    const [recipientDevice] = await loginMany(target.recipientUrl, 1);
    const fleet = await LoadFleet.connect(
      target,
      ledger,
      [await loginDevice(target.senderUrl, key)],
      [recipientDevice!],
      options.addresses,
    );
    const [offlineDevice] = await loginMany(target.recipientUrl, 1);
    await (await fleet.connectDrained(target.recipientUrl, offlineDevice!)).connection.close();
    const attackTarget: AttackTarget = {
      senderUrl: target.senderUrl,
      recipientUrl: target.recipientUrl,
      recipientGatewayPid: target.stack.gateways[1]!.pid!,
      sender: { device: fleet.senders[0]!.device, key },
      recipient: fleet.recipients[0]!.device,
      offline: offlineDevice!,
    };

    const phases: PhaseReport[] = [];
    const measure = async (phase: string, attacks: readonly Attack[]) => {
      show(`${phase}: ${attacks.length === 0 ? 'no attack' : 'setting up'}`);
      const attackers =
        attacks.length === 0
          ? undefined
          : await AttackProcess.start({
              names: attacks.map((attack) => attack.name),
              target: attackTarget,
              firstAddress: ATTACKER_ADDRESSES,
            });
      show(`${phase}: honest pair sending ${options.rate} msg/s for ${options.phaseMs / 1000} s`);
      const round = await fleet.openLoop(phase, options.phaseMs, options.rate);
      const effects = (await attackers?.stop()) ?? [];
      await allDelivered(round.messages);
      phases.push({ phase, honest: honestFigures(round.messages), effects });
    };
    await measure('quiet', []);
    for (const attack of options.attacks) await measure(attack.name, [attack]);
    if (options.together && options.attacks.length > 1) await measure('all', options.attacks);
    await measure('quiet after', []);
    await fleet.close();
    return {
      rate: options.rate,
      phaseSeconds: options.phaseMs / 1000,
      env: ATTACK_STACK_ENV,
      phases,
      passed: phases.every(
        ({ honest, effects }) =>
          honest.sent > 0 && honest.delivered === honest.sent && honest.lost === 0 && effects.every((effect) => effect.honestUnharmed),
      ),
    };
  } finally {
    await target.stop();
  }
}

async function allDelivered(messages: TrackedMessage[]): Promise<void> {
  const deadline = performance.now() + DELIVERY_DEADLINE_MS;
  while (messages.some((message) => message.deliveredAt === undefined) && performance.now() < deadline) await sleep(100);
}

function honestFigures(messages: TrackedMessage[]): HonestFigures {
  const latencies = messages.flatMap((message) => (message.deliveredAt === undefined ? [] : [message.deliveredAt - message.sentAt]));
  const round = (ms: number) => Number(ms.toFixed(2));
  return {
    sent: messages.length,
    acked: messages.filter((message) => message.ackedAt !== undefined).length,
    delivered: latencies.length,
    lost: messages.filter((message) => message.ackedAt !== undefined && message.deliveredAt === undefined).length,
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(percentile(latencies, 1)),
  };
}
