import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadDevice } from '../generator/load-account';
import { type LoadFleet, loginMany, type Party } from '../generator/load-fleet';
import { mapConcurrently } from '../generator/map-concurrently';
import type { RoundResult } from '../generator/load-fleet';
import { mean, percentile } from '../measure/percentiles';
import { cpuSeconds, residentBytes } from '../measure/process-usage';
import type { Progress } from '../measure/progress';
import type { BenchSettings } from './bench-settings';

// Latencies of the first half second of a round, while senders ramp up, are left out.
const LATENCY_WARM_UP_MS = 500;
// Idle login connections of the generator close after 0.5 s; memory is read after they have.
const SETTLE_MS = 2_000;
const OFFLINE_WINDOW = 2;

/** One figure for Coming and for the baseline relay; ratio = Coming ÷ baseline. */
export interface Figure {
  coming: number;
  baseline: number;
  ratio: number;
}

export interface ComparisonFigures {
  /** msg/s delivered live, each sender acknowledged only after its recipient acknowledged. */
  saturation: Figure;
  /** Server CPU time per delivered message at saturation, µs, every server process counted. */
  cpuPerMessageMicros: Figure;
  /** The open-loop rate of the latency rounds: half of Coming's saturation, for both. */
  latencyRate: number;
  latencySamples: { coming: number; baseline: number };
  latencyP50Ms: Figure;
  latencyP99Ms: Figure;
  latencyP999Ms: Figure;
  /** msg/s accepted for a device that is offline (stored). */
  offlineStoreRate: Figure;
  /** msg/s pushed to and acknowledged by that one device when it connects. */
  offlineDrainRate: Figure;
  idleConnections: number;
  /** Resident memory added per idle authenticated connection to the processes holding connections, KiB. */
  memoryPerConnectionKiB: Figure;
  /** Completed logins (challenge, signature, login) per second. */
  loginsPerSecond: Figure;
}

type Sides = readonly [LoadFleet, LoadFleet];

/** Runs `round` for Coming then the baseline, `rounds` times: A/B/A/B. */
async function interleaved<Result>(
  sides: Sides,
  rounds: number,
  progress: Progress,
  what: string,
  round: (fleet: LoadFleet) => Promise<Result>,
): Promise<[Result[], Result[]]> {
  const results: [Result[], Result[]] = [[], []];
  for (let index = 0; index < rounds; index += 1) {
    for (const [side, fleet] of sides.entries()) {
      progress.show(`${sides[0].target.label}: ${what}, round ${index + 1}/${rounds} on ${fleet.target.label}`);
      results[side]!.push(await round(fleet));
    }
  }
  return results;
}

function figure(coming: number, baseline: number): Figure {
  return { coming, baseline, ratio: coming / baseline };
}

function delivered(result: RoundResult, by = Number.POSITIVE_INFINITY): number {
  return result.messages.filter((message) => message.deliveredAt !== undefined && message.deliveredAt <= by).length;
}

/** Measures every figure for one Coming target against the relay, each side on its own fleet. */
export async function compare(sides: Sides, settings: BenchSettings, progress: Progress): Promise<ComparisonFigures> {
  const saturation = await interleaved(sides, settings.rounds, progress, 'saturation', async (fleet) => {
    const pids = fleet.target.serverPids();
    const cpuBefore = cpuSeconds(pids);
    const result = await fleet.closedLoop('saturation', settings.saturationMs, settings.window);
    const cpu = cpuSeconds(pids) - cpuBefore;
    return { rate: delivered(result, result.endedAt) / (settings.saturationMs / 1000), cpu, delivered: delivered(result) };
  });
  const rate = (side: number) => mean(saturation[side]!.map((round) => round.rate));
  const cpuPerMessage = (side: number) =>
    (1e6 * saturation[side]!.reduce((sum, round) => sum + round.cpu, 0)) /
    saturation[side]!.reduce((sum, round) => sum + round.delivered, 0);

  const latencyRate = Math.max(1, Math.round(rate(0) / 2));
  const latency = await interleaved(sides, settings.rounds, progress, `latency at ${latencyRate} msg/s`, async (fleet) => {
    const result = await fleet.openLoop('latency', settings.latencyMs, latencyRate);
    return result.messages
      .filter((message) => message.sentAt >= result.startedAt + LATENCY_WARM_UP_MS && message.deliveredAt !== undefined)
      .map((message) => message.deliveredAt! - message.sentAt);
  });
  const samples = latency.map((rounds) => rounds.flat());
  const latencyFigure = (q: number) => figure(percentile(samples[0]!, q), percentile(samples[1]!, q));

  const offline = await interleaved(sides, settings.rounds, progress, 'offline store and drain', (fleet) =>
    storeAndDrain(fleet, settings.offlineMessages),
  );
  const offlineRate = (side: number, key: 'store' | 'drain') => mean(offline[side]!.map((round) => round[key]));

  const logins = await interleaved(sides, settings.rounds, progress, 'logins', async (fleet) => {
    let seconds = 0;
    await loginMany(fleet.target.senderUrl, settings.loginsPerRound, 1, (elapsed) => (seconds = elapsed));
    return settings.loginsPerRound / seconds;
  });

  const memory = await interleaved(sides, 1, progress, `${settings.idleConnections} idle connections`, (fleet) =>
    memoryPerConnection(fleet, settings.idleConnections, progress),
  );

  return {
    saturation: figure(rate(0), rate(1)),
    cpuPerMessageMicros: figure(cpuPerMessage(0), cpuPerMessage(1)),
    latencyRate,
    latencySamples: { coming: samples[0]!.length, baseline: samples[1]!.length },
    latencyP50Ms: latencyFigure(0.5),
    latencyP99Ms: latencyFigure(0.99),
    latencyP999Ms: latencyFigure(0.999),
    offlineStoreRate: figure(offlineRate(0, 'store'), offlineRate(1, 'store')),
    offlineDrainRate: figure(offlineRate(0, 'drain'), offlineRate(1, 'drain')),
    idleConnections: settings.idleConnections,
    memoryPerConnectionKiB: figure(memory[0][0]!, memory[1][0]!),
    loginsPerSecond: figure(mean(logins[0]), mean(logins[1])),
  };
}

/** Every sender sends to one offline device; then that device connects and takes them all. */
async function storeAndDrain(fleet: LoadFleet, count: number): Promise<{ store: number; drain: number }> {
  const [device] = await loginMany(fleet.target.recipientUrl, 1);
  // A device becomes a recipient once it has published its keys: connect once, then go offline.
  await (await fleet.connectDrained(fleet.target.recipientUrl, device!)).connection.close();
  const stored = await fleet.sendCount('offline', device!, count, OFFLINE_WINDOW);
  const unacknowledged = stored.messages.filter((message) => message.ackedAt === undefined).length;
  if (unacknowledged > 0) throw new Error(`${fleet.target.label}: ${unacknowledged} offline messages were never acknowledged`);
  const store = count / ((stored.endedAt - stored.startedAt) / 1000);
  let received = 0;
  let allReceived!: () => void;
  const everything = new Promise<void>((resolve) => (allReceived = resolve));
  const startedAt = performance.now();
  const party = await fleet.connectDrained(fleet.target.recipientUrl, device!, () => {
    received += 1;
    if (received === count) allReceived();
  });
  await everything;
  const drain = count / ((performance.now() - startedAt) / 1000);
  await party.connection.close();
  return { store, drain };
}

/**
 * Logs in `count` devices (16 an account) through the senders' gateway, then opens their
 * idle connections on the recipients' gateway and reads how much memory that added to the
 * processes holding them. On the stack the login work thus stays out of the reading; on the
 * single node it cannot, and its garbage makes that figure noisy.
 */
async function memoryPerConnection(fleet: LoadFleet, count: number, progress: Progress): Promise<number> {
  const { target } = fleet;
  const devices = await loginMany(target.senderUrl, count, 16);
  await sleep(SETTLE_MS);
  const before = await steadyResidentBytes(target.connectionPids());
  let opened = 0;
  const parties = await mapConcurrently(devices, 64, async (device: LoadDevice): Promise<Party> => {
    const party = await fleet.connectDrained(target.recipientUrl, device);
    opened += 1;
    if (opened % 500 === 0) progress.show(`${target.label}: ${opened}/${count} idle connections open`);
    return party;
  });
  await sleep(SETTLE_MS);
  const after = await steadyResidentBytes(target.connectionPids());
  await mapConcurrently(parties, 256, (party) => party.connection.close());
  return (after - before) / count / 1024;
}

/** The median of a few readings a little apart, so that one garbage collection does not decide the figure. */
async function steadyResidentBytes(pids: number[]): Promise<number> {
  const readings: number[] = [];
  for (let reading = 0; reading < 5; reading += 1) {
    readings.push(residentBytes(pids));
    await sleep(300);
  }
  return percentile(readings, 0.5);
}
