// The attackers' process: takes its orders, starts the attacks, says so, and on "stop"
// stops them and reports what each achieved. See AttackProcess.
import { LoopbackAddresses, rotateFetchSourceAddresses } from '../generator/loopback-addresses';
import type { AttackerOrders, AttackerReport } from './attack-process';
import { attacksNamed } from './attacks';

const report = (message: AttackerReport) => process.send!(message);

async function run({ names, target, firstAddress }: AttackerOrders) {
  const addresses = new LoopbackAddresses(firstAddress);
  rotateFetchSourceAddresses(addresses);
  const attacks = attacksNamed(names);
  const running = [];
  for (const attack of attacks) running.push(await attack.start({ ...target, addresses }));
  const stopRequested = new Promise((resolve) => process.once('message', resolve));
  report({ started: true });
  await stopRequested;
  report({ effects: await Promise.all(running.map(async (each, index) => ({ attack: attacks[index]!.name, ...(await each.stop()) }))) });
}

process.once('message', (orders: AttackerOrders) => {
  run(orders).catch((error: unknown) => report({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
