import type { Command } from 'commander';
import { type CommandContext, positiveInteger, printJson } from '../command-context';
import { contactLine, historyLine } from '../output/views-as-lines';

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
