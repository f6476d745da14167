import type { Command } from 'commander';
import type { Account } from '../account/account';
import { type CommandContext, positiveInteger, printJson } from '../command-context';
import { deviceLine, removedDeviceLine } from '../output/views-as-lines';

/** The account's devices: list, name, remove, and approve a new one (`link` is the new device's side). */
export function addDeviceCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  // Device requests go on a send-only connection, so that a listener on the same home stays connected.
  const withAccount = <T>(use: (account: Account) => Promise<T>) => context.withAccount({ receive: false }, use);

  const devices = program
    .command('devices')
    .description("list the account's devices (this one marked) and those removed lately")
    .option('--json', 'one JSON object, names exactly as given')
    .action(async ({ json }: { json?: boolean }) => {
      const listing = await withAccount((account) => account.devices());
      if (json === true) return printJson(io, listing);
      for (const device of listing.devices) io.stdout.write(`${deviceLine(device)}\n`);
      if (listing.recentlyRemoved.length > 0) io.stdout.write('recently removed:\n');
      for (const removed of listing.recentlyRemoved) io.stdout.write(`${removedDeviceLine(removed)}\n`);
    });

  devices
    .command('remove')
    .description('remove another device of the account (primary only); it is disconnected and can never come back')
    .argument('<id>', 'its device ID, as "devices" lists it', positiveInteger)
    .action(async (id: number) => {
      await withAccount((account) => account.removeDevice(id));
    });

  devices
    .command('name')
    .description("name this device; the server stores the name sealed, only the account's devices can read it")
    .argument('<name>', '1 to 64 characters')
    .action(async (name: string) => {
      await withAccount((account) => account.nameThisDevice(name));
    });

  program
    .command('approve')
    .description('approve a new device that "coming link" shows a link code on (primary only)')
    .argument('<link-code>', 'the coming-link:… code the new device printed (quote it: it holds & and ?)')
    .action(async (linkCode: string) => {
      await withAccount((account) => account.approveLink(linkCode));
      io.stderr.write('approved: the new device is joining the account\n');
    });
}
