// `npm run bench`: Coming (single node, then the stack with two gateways) against a minimal
// relay, driven by the same generator, rounds interleaved. Prints a table per target and a
// JSON summary last. See load-tests/RESULTS.md for what the figures mean.
import { writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ComparisonFigures, compare } from './bench/bench-figures';
import { comparisonTable, type DeliveryCheck, type TargetReport } from './bench/bench-report';
import { benchSettings, type ComingKind } from './bench/bench-settings';
import { LoadFleet } from './generator/load-fleet';
import { LoopbackAddresses, rotateFetchSourceAddresses } from './generator/loopback-addresses';
import { MessageLedger } from './generator/message-ledger';
import { profileProcess, topSelfTime } from './measure/cpu-profile';
import { mean } from './measure/percentiles';
import { Progress } from './measure/progress';
import { startRelayTarget } from './targets/relay.target';
import { startSingleNodeTarget } from './targets/single-node.target';
import { type StackTarget, startStackTarget } from './targets/stack.target';
import type { Target } from './targets/target';

const REPOSITORY_ROOT = resolve(__dirname, '..', '..');
const LATE_DELIVERY_WAIT_MS = 30_000;

async function main() {
  const settings = benchSettings(process.argv.slice(2));
  const progress = new Progress();
  const addresses = new LoopbackAddresses();
  rotateFetchSourceAddresses(addresses);
  const reports: Partial<Record<ComingKind, TargetReport>> = {};
  for (const kind of settings.only) {
    progress.show(`starting Coming ${kind === 'single' ? 'single node' : 'stack'} and the relay`);
    const [coming, relay] = await Promise.all([
      kind === 'single' ? startSingleNodeTarget() : startStackTarget({ label: 'bench' }),
      startRelayTarget(),
    ]);
    try {
      const ledgers = [new MessageLedger(), new MessageLedger()] as const;
      progress.show(`${coming.label}: logging in and connecting ${settings.pairs} sender/recipient pairs on each side`);
      const fleets = [
        await LoadFleet.create(coming, ledgers[0], settings.pairs, addresses),
        await LoadFleet.create(relay, ledgers[1], settings.pairs, addresses),
      ] as const;
      const figures = await compare(fleets, settings, progress);
      const report: TargetReport = { figures, coming: await deliveryCheck(ledgers[0]), baseline: await deliveryCheck(ledgers[1]) };
      if (isStack(coming) && settings.profile) {
        progress.show('stack: CPU profile of the sending gateway at saturation');
        report.profile = await profileSendingGateway(coming, () => fleets[0].closedLoop('profile', settings.profileMs, settings.window));
      }
      await Promise.all(fleets.map((fleet) => fleet.close()));
      reports[kind] = report;
    } finally {
      await stopAll([coming, relay]);
    }
  }
  progress.done();

  for (const [kind, report] of Object.entries(reports))
    console.log(`\n${comparisonTable(kind === 'single' ? 'single node' : 'stack', report)}`);
  const stack = reports.stack?.figures;
  const summary = {
    machine: {
      nproc: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: { min: Math.min(...progress.loadSamples), mean: mean(progress.loadSamples), max: Math.max(...progress.loadSamples) },
    },
    seconds: Math.round(progress.elapsedSeconds),
    settings,
    ...(stack === undefined ? {} : stackRatios(stack)),
    targets: reports,
  };
  console.log(`\n${JSON.stringify(summary, null, 2)}`);
  const lost = Object.values(reports).some((report) => report.coming.lost > 0 || report.coming.duplicatesShown > 0);
  process.exit(lost ? 1 : 0);
}

function isStack(target: Target): target is StackTarget {
  return 'stack' in target;
}

/** Profiles gateway-1, which holds the senders, while `load` runs; the profile goes to a temp file. */
async function profileSendingGateway(target: StackTarget, load: () => Promise<unknown>): Promise<NonNullable<TargetReport['profile']>> {
  const gateway = target.stack.gateways[0]!;
  if (gateway.pid === undefined) throw new Error('gateway-1 is not running');
  const profile = await profileProcess(gateway.pid, target.inspectPort, async () => {
    await load();
  });
  const file = join(tmpdir(), `coming-bench-gateway-1-${Date.now()}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  return { process: 'gateway-1 (senders)', file, topSelfTime: topSelfTime(profile, REPOSITORY_ROOT, 20) };
}

function stackRatios(figures: ComparisonFigures) {
  return {
    throughputRatio: figures.saturation.ratio,
    p99Ratio: figures.latencyP99Ms.ratio,
    cpuRatio: figures.cpuPerMessageMicros.ratio,
    memoryRatio: figures.memoryPerConnectionKiB.ratio,
  };
}

/** Acked messages must all arrive; late ones get a little time. */
async function deliveryCheck(ledger: MessageLedger): Promise<DeliveryCheck> {
  const deadline = Date.now() + LATE_DELIVERY_WAIT_MS;
  const missing = () => ledger.messages.filter((message) => message.ackedAt !== undefined && message.deliveredAt === undefined).length;
  while (missing() > 0 && Date.now() < deadline) await sleep(100);
  return {
    sent: ledger.messages.length,
    acked: ledger.messages.filter((message) => message.ackedAt !== undefined).length,
    delivered: ledger.messages.filter((message) => message.deliveredAt !== undefined).length,
    lost: missing(),
    duplicatesShown: ledger.duplicatesShown,
    redeliveries: ledger.redeliveries,
  };
}

async function stopAll(targets: Target[]) {
  await Promise.all(targets.map((target) => target.stop()));
}

main().catch((error: unknown) => {
  console.error(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
