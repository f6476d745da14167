import type { Command } from 'commander';
import type { MessageView } from '../account/account';
import { CliError } from '../cli.errors';
import { type CommandContext, positiveInteger, printJson, seconds } from '../command-context';
import { ExitCode } from '../exit-codes';
import { readStdin } from '../home/prompt';
import { messageLine, refusalLines, removedDeviceNotice } from '../output/views-as-lines';
import { paymentEventLine } from '../wallet/payment-lines';
import { follow } from './follow';

const SEND_TIMEOUT_SECONDS = 30;

export function addMessageCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('send')
    .description('send a message; exits 0 once the server has delivered or stored it for every recipient device, or it went by SMS')
    .argument('<contact>', 'a contact name or an account ID')
    .argument('<text>', 'the message; "-" reads it from stdin')
    .option('--timeout <seconds>', 'give up when the server has not taken it by then', seconds, SEND_TIMEOUT_SECONDS)
    .option('--json', 'print what became of each recipient device as JSON')
    .action(async (contact: string, text: string, { timeout, json }: { timeout: number; json?: boolean }) => {
      const message = text === '-' ? await readStdin(io) : text;
      if (message === '') throw new CliError(ExitCode.Usage, 'the message is empty');
      // Send-only: a listener on the same home keeps its connection.
      const sent = await context.withAccount({ receive: false, messages: true }, (account) =>
        account.send(contact, message, timeout * 1000),
      );
      if (json === true) printJson(io, sent);
      if (sent.devices.some(({ outcome }) => outcome === 'sms')) io.stderr.write('sent by SMS\n');
      const refusals = refusalLines(sent);
      for (const line of refusals) io.stderr.write(`${line}\n`);
      if (refusals.length > 0) context.exitCode = ExitCode.Refused;
    });

  program
    .command('listen')
    .description('print incoming messages until N arrived, the timeout passed, or Ctrl-C')
    .option('--count <n>', 'stop after this many messages; later ones stay on the server', positiveInteger)
    .option('--timeout <seconds>', 'stop after this long', seconds)
    .option('--json', 'one JSON object a line, exactly as sent')
    .action(async ({ count, timeout, json }: { count?: number; timeout?: number; json?: boolean }) => {
      const print = (message: MessageView) => (json === true ? printJson(io, message) : io.stdout.write(`${messageLine(message)}\n`));
      const deadline = timeout === undefined ? undefined : Date.now() + timeout * 1000;
      await context.withAccount({ receive: true, messages: true }, (account) => {
        let received = 0;
        return follow(
          context,
          account,
          (finish) => ({
            message: (message) => {
              received += 1;
              print(message);
              if (received === count) finish();
            },
            // Not counted: --count is about messages, and a payment's state changes come as events too.
            payment: (event) => (json === true ? printJson(io, event) : io.stdout.write(`${paymentEventLine(event)}\n`)),
            // On stderr, so that --json output stays clean: from now on messages arrive
            // live, which is what a script starting a listener in the background waits for.
            caughtUp: () => io.stderr.write('listening: caught up with stored messages\n'),
            devicesRemoved: (removed) => removed.forEach((device) => io.stderr.write(`notice: ${removedDeviceNotice(device)}\n`)),
          }),
          { ...(count === undefined ? {} : { max: count }), ...(deadline === undefined ? {} : { deadline }) },
        );
      });
    });
}
