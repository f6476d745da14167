// `npm run attack`: an honest pair of users on the two-gateway stack, measured while each
// attack in turn (and then all at once) tries to stop delivery for others. Prints a table
// of the honest pair's deliveries and latency per phase, what each attack achieved, and a
// JSON summary; exits 1 if an honest message was lost or an attack's honest check failed.
import { parseArgs } from 'node:util';
import { type AttackReport, runAttacks } from './attack/attack-run';
import { ATTACKS, attacksNamed } from './attack/attacks';
import { LoopbackAddresses, rotateFetchSourceAddresses } from './generator/loopback-addresses';
import { Progress } from './measure/progress';

async function main() {
  const { values } = parseArgs({
    options: {
      attacks: { type: 'string', default: ATTACKS.map((attack) => attack.name).join(',') },
      seconds: { type: 'string', default: '10' },
      rate: { type: 'string', default: '20' },
      'no-together': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  if (!(seconds >= 1 && seconds <= 120)) throw new Error('--seconds takes a number from 1 to 120');
  if (!(rate >= 1 && rate <= 45))
    throw new Error('--rate takes a number from 1 to 45 (messages a second; 50 is one device\u2019s send limit)');
  const addresses = new LoopbackAddresses();
  rotateFetchSourceAddresses(addresses);
  const progress = new Progress();
  const report = await runAttacks({
    attacks: attacksNamed(values.attacks.split(',')),
    together: !values['no-together'],
    phaseMs: seconds * 1000,
    rate,
    addresses,
    progress: (text) => progress.show(text),
  });
  progress.done();
  console.log(attackTable(report));
  const loadAverage = { min: Math.min(...progress.loadSamples), max: Math.max(...progress.loadSamples) };
  console.log(`\n${JSON.stringify({ seconds: Math.round(progress.elapsedSeconds), loadAverage, ...report }, null, 2)}`);
  process.exit(report.passed ? 0 : 1);
}

function attackTable(report: AttackReport): string {
  const quiet = report.phases[0]!.honest.p99Ms;
  const row = (cells: (string | number)[]) =>
    cells.map((cell, index) => String(cell)[index === 0 ? 'padEnd' : 'padStart'](index === 0 ? 14 : 9)).join(' ');
  return [
    `An honest pair at ${report.rate} msg/s, ${report.phaseSeconds} s a phase; stack settings: ${Object.entries(report.env)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')}`,
    row(['phase', 'sent', 'delivered', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'p99 ÷ quiet']),
    ...report.phases.map(({ phase, honest }) =>
      row([phase, honest.sent, honest.delivered, honest.lost, honest.p50Ms, honest.p99Ms, honest.maxMs, (honest.p99Ms / quiet).toFixed(2)]),
    ),
    '',
    ...report.phases.flatMap(({ phase, effects }) =>
      effects.map(
        (effect) =>
          `${phase === effect.attack ? phase : `${phase}/${effect.attack}`}: ${effect.summary}${effect.honestUnharmed ? '' : '  <- HONEST CHECK FAILED'}`,
      ),
    ),
    report.passed ? 'PASSED: every honest message delivered in every phase; every honest check held.' : 'FAILED',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(`\nattack run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
