// How fast the modem and HTTP carriers move a first PreKeySignalMessage (1,900 bytes, the
// largest message a session sends) between two clients through the simulators, on loopback.
// The figures are the carriers' own cost (AT command round trips over a pseudo-terminal,
// HTTP requests), not a real network's: a real modem takes seconds per AT+CMGS. Run with
// `node -r ./tools/register.cjs libs/smsc/tools/carrier-throughput.ts [messages]`.
import { HttpCarrier, ModemCarrier, type SmsCarrier, type SmsPart, encodeSmsMessage, splitIntoParts } from '@coming/sms';
import { randomBytes } from 'node:crypto';
import { GsmNetwork, HttpGatewaySimulator, ModemSimulator } from '../src';

const ALICE = '+4915550001';
const BOB = '+4915550002';
const messages = Number(process.argv[2] ?? 10);

async function measure(name: string, alice: SmsCarrier, bob: SmsCarrier, mode: 'text' | 'binary'): Promise<void> {
  const parts: SmsPart[] = splitIntoParts(encodeSmsMessage(Uint8Array.from(randomBytes(1_900)), { mode }), { reference: 1 });
  const expected = parts.length * messages;
  let received = 0;
  const done = new Promise<void>((resolve) =>
    bob.onPart(() => {
      if (++received === expected) resolve();
    }),
  );
  const started = performance.now();
  for (let message = 0; message < messages; message++) await alice.send(BOB, parts);
  await done;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${name}, ${mode}: ${messages} messages of ${parts.length} parts in ${seconds.toFixed(2)} s, ${(expected / seconds).toFixed(0)} parts/s`,
  );
}

async function modem(): Promise<void> {
  const network = new GsmNetwork();
  const simulators = [await ModemSimulator.start({ network, number: ALICE }), await ModemSimulator.start({ network, number: BOB })];
  const [alice, bob] = await Promise.all(simulators.map((simulator) => ModemCarrier.open(`serial://${simulator.path}`)));
  await measure('GSM modem (PDU mode)', alice!, bob!, 'binary');
  await Promise.all([alice!.close(), bob!.close(), ...simulators.map((simulator) => simulator.stop())]);
}

async function http(): Promise<void> {
  const gateway = await HttpGatewaySimulator.start();
  const carriers = [];
  for (const number of [ALICE, BOB]) {
    const secret = randomBytes(16).toString('hex');
    const carrier = await HttpCarrier.open({
      gatewayUrl: gateway.addAccount({ user: number, password: 'pw', number, webhookSecret: secret }),
      webhook: { secret },
    });
    gateway.setWebhook(number, carrier.webhookUrl);
    carriers.push(carrier);
  }
  await measure('HTTP gateway', carriers[0]!, carriers[1]!, 'text');
  await Promise.all([...carriers.map((carrier) => carrier.close()), gateway.stop()]);
}

async function main(): Promise<void> {
  await modem();
  await http();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
