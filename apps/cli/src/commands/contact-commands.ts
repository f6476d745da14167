import type { Command } from 'commander';
import { type CommandContext, positiveInteger, printJson } from '../command-context';
import { SMS_POLICIES } from '@coming/client';
import { CliError } from '../cli.errors';
import { ExitCode } from '../exit-codes';
import { contactLine, historyLine, routeLine } from '../output/views-as-lines';

const HISTORY_LIMIT = 20;

export function addContactCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const contact = program.command('contact').description('name the accounts you talk to');

  contact
    .command('add')
    .description('give an account ID a name; the name then works wherever an account ID does')
    .argument('<name>', "1 to 64 letters, digits, spaces or . _ ' -")
    .argument('<account-id>', 'their account ID (coming1…)')
    .action(async (name: string, accountId: string) => {
      await context.withAccount({ receive: false }, (account) => account.addContact(name, accountId));
    });

  contact
    .command('remove')
    .description('forget a name (the history with the account stays)')
    .argument('<name>')
    .action(async (name: string) => {
      await context.withAccount({ receive: false }, (account) => account.removeContact(name));
    });

  contact
    .command('set')
    .description("keep a contact's phone number on this device, for SMS (never uploaded); caches their keys while the server answers")
    .argument('<contact>', 'a contact name or an account ID')
    .requiredOption('--phone <e164>', 'their number: + and up to 15 digits')
    .option('--device <id>', "the contact's device that the number reaches (default 1, their primary)", positiveInteger)
    .option('--json', 'print the route as JSON')
    .action(async (name: string, { phone, device, json }: { phone: string; device?: number; json?: boolean }) => {
      const route = await context.withAccount({ receive: false }, (account) => account.setContactPhone(name, phone, device));
      if (json === true) printJson(io, route);
      else io.stdout.write(`${routeLine(route)}\n`);
    });

  program
    .command('transport')
    .description('how messages to a contact travel')
    .command('set')
    .description('auto: the server, SMS once it has been away a while; websocket: the server only; sms: SMS only')
    .argument('<contact>', 'a contact name or an account ID (with a phone number: contact set --phone)')
    .argument('<transport>', SMS_POLICIES.join(', '))
    .option('--json', 'print the route as JSON')
    .action(async (name: string, transport: string, { json }: { json?: boolean }) => {
      const policy = SMS_POLICIES.find((candidate) => candidate === transport);
      if (policy === undefined) throw new CliError(ExitCode.Usage, `transport is "${transport}": use ${SMS_POLICIES.join(', ')}`);
      const route = await context.withAccount({ receive: false }, (account) => account.setTransport(name, policy));
      if (json === true) printJson(io, route);
      else io.stdout.write(`${routeLine(route)}\n`);
    });

  program
    .command('contacts')
    .description('list contacts: name, tab, account ID')
    .option('--json', 'one JSON array')
    .action(async ({ json }: { json?: boolean }) => {
      const contacts = await context.withAccount({ receive: false }, (account) => account.contacts());
      if (json === true) printJson(io, contacts);
      else for (const entry of contacts) io.stdout.write(`${contactLine(entry)}\n`);
    });

  program
    .command('history')
    .description('messages sent to and received from a contact, oldest first')
    .argument('<contact>', 'a contact name or an account ID')
    .option('--limit <n>', 'the last N messages', positiveInteger, HISTORY_LIMIT)
    .option('--json', 'one JSON object a line, exactly as sent')
    .action(async (name: string, { limit, json }: { limit: number; json?: boolean }) => {
      const entries = await context.withAccount({ receive: false }, (account) => account.history(name, limit));
      for (const entry of entries) io.stdout.write(`${json === true ? JSON.stringify(entry) : historyLine(entry)}\n`);
    });
}
