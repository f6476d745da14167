// `npm run chaos`: load on the two-gateway stack, on its own NATS, Redis and PostgreSQL,
// while gateways, mailbox, auth and keys are SIGKILLed and the backends restarted, one at a
// time. Prints a table per fault and a JSON summary; exits 1 on any loss or duplicate.
import { parseArgs } from 'node:util';
import { CHAOS_FAULTS, FAULT_DESCRIPTIONS, faultsNamed } from './chaos/chaos-faults';
import { type ChaosReport, runChaos } from './chaos/chaos-run';
import { LoopbackAddresses, rotateFetchSourceAddresses } from './generator/loopback-addresses';
import { Progress } from './measure/progress';

async function main() {
  const { values } = parseArgs({
    options: {
      faults: { type: 'string', default: CHAOS_FAULTS.map((fault) => fault.name).join(',') },
      pairs: { type: 'string', default: '12' },
    },
  });
  const pairs = Number(values.pairs);
  if (!Number.isInteger(pairs) || pairs < 3) throw new Error('--pairs takes a whole number of at least 3');
  const addresses = new LoopbackAddresses();
  rotateFetchSourceAddresses(addresses);
  const progress = new Progress();
  const report = await runChaos({
    faults: faultsNamed(values.faults.split(',')),
    pairs,
    addresses,
    progress: (text) => progress.show(text),
  });
  progress.done();
  console.log(chaosTable(report));
  console.log(`\n${JSON.stringify({ seconds: Math.round(progress.elapsedSeconds), ...report }, null, 2)}`);
  process.exit(report.passed ? 0 : 1);
}

function chaosTable(report: ChaosReport): string {
  const row = (cells: (string | number)[]) =>
    cells.map((cell, index) => String(cell)[index === 0 ? 'padEnd' : 'padStart'](index === 0 ? 12 : 10)).join(' ');
  const lines = [
    row(['fault', 'sent', 'acked', 'delivered', 'lost', 'dup shown', 'restart s', 'recover s', 'after']),
    ...report.faults.map((fault) =>
      row([
        fault.fault,
        fault.sent,
        fault.acked,
        fault.delivered,
        fault.lost,
        fault.duplicatesShown,
        fault.restartSeconds.toFixed(1),
        fault.recoverySeconds === null ? 'never' : fault.recoverySeconds.toFixed(2),
        fault.deliveredAfterRestart,
      ]),
    ),
    row([
      'all',
      report.total.sent,
      report.total.acked,
      report.total.delivered,
      report.total.lost,
      report.total.duplicatesShown,
      '',
      '',
      '',
    ]),
    '',
    ...report.faults.map(
      (fault) =>
        `${fault.fault}: ${FAULT_DESCRIPTIONS[fault.fault] ?? ''}` +
        (fault.crashed.length === 0 ? '' : `; CRASHED by themselves and started again: ${fault.crashed.join(', ')}`),
    ),
    `${report.offlineRecipients} recipients stayed offline until the end; ${report.redeliveries} redeliveries of an already received server GUID (dropped, as a client does).`,
    report.passed ? 'PASSED: no acknowledged message lost, none shown twice, deliveries after every fault.' : 'FAILED',
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(`\nchaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
