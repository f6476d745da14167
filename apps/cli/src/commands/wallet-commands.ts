import type { Command } from 'commander';
import { type CommandContext, positiveInteger, printJson } from '../command-context';
import { paymentEventLine, paymentLine, paymentRequestLine, walletLines } from '../wallet/payment-lines';
import type { PaymentEventView } from '../wallet/payment-views';
import { follow } from './follow';

export function addWalletCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('wallet')
    .description('the balance, and a fresh receive address (primary device only)')
    .option('--json', '{"confirmedSat","unconfirmedSat","address"}')
    .action(async ({ json }: { json?: boolean }) => {
      const wallet = await context.withAccount({ receive: false }, (account) => account.wallet());
      if (json === true) printJson(io, wallet);
      else for (const line of walletLines(wallet)) io.stdout.write(`${line}\n`);
    });

  program
    .command('request')
    .description('ask a contact for bitcoin in the chat, at a fresh address of this wallet')
    .argument('<contact>', 'a contact name or an account ID')
    .argument('<amount-btc>', 'in BTC, e.g. 0.001 (at most 8 decimals)')
    .option('--memo <text>', 'what it is for', '')
    .option('--json', 'print the request as JSON')
    .action(async (contact: string, amountBtc: string, { memo, json }: { memo: string; json?: boolean }) => {
      const request = await context.withAccount({ receive: false }, (account) => account.requestPayment(contact, amountBtc, memo));
      if (json === true) printJson(io, request);
      else io.stdout.write(`${paymentRequestLine(request)}\n`);
    });

  program
    .command('pay')
    .description("pay a contact's pending request for this amount; prints the txid once broadcast")
    .argument('<contact>', 'a contact name or an account ID')
    .argument('<amount-btc>', 'in BTC, e.g. 0.001: the amount the request asked for')
    .option('--memo <text>', 'a note for the payee', '')
    .option('--fee-rate <sat-per-vb>', "override the service's fee estimate", positiveInteger)
    .option('--json', 'print the payment as JSON')
    .action(async (contact: string, amountBtc: string, { memo, feeRate, json }: { memo: string; feeRate?: number; json?: boolean }) => {
      // Receiving: the payee's request may be waiting on the server.
      const paid = await context.withAccount({ receive: true }, (account) =>
        account.pay(contact, amountBtc, { memo, ...(feeRate === undefined ? {} : { feeRate }) }),
      );
      if (json === true) printJson(io, paid);
      else io.stdout.write(`${paid.txid}\n`);
    });

  program
    .command('bump')
    .description('replace an unconfirmed payment you sent with one paying a higher fee (BIP-125); prints the new txid')
    .argument('<txid>', 'the payment to speed up, as `coming payments` lists it')
    .requiredOption('--fee-rate <sat-per-vb>', 'the new fee rate, above the one it pays', positiveInteger)
    .option('--json', 'print the payment as JSON')
    .action(async (txid: string, { feeRate, json }: { feeRate: number; json?: boolean }) => {
      const bumped = await context.withAccount({ receive: false }, (account) => account.bump(txid, feeRate));
      if (json === true) printJson(io, bumped);
      else io.stdout.write(`${bumped.txid}\n`);
    });

  program
    .command('payments')
    .description('payments sent and received: direction, amount, counterparty, txid and status')
    .option('--json', 'one JSON object a line')
    .option('--watch', 'then follow requests, payments and state changes as they come, until Ctrl-C')
    .action(async ({ json, watch }: { json?: boolean; watch?: boolean }) => {
      const print = (event: PaymentEventView) => io.stdout.write(`${json === true ? JSON.stringify(event) : paymentEventLine(event)}\n`);
      await context.withAccount({ receive: true }, async (account) => {
        const payments = await account.payments();
        if (watch !== true) {
          for (const payment of payments) io.stdout.write(`${json === true ? JSON.stringify(payment) : paymentLine(payment)}\n`);
          return;
        }
        // Followed, every line is an event, so that a script reads one shape.
        for (const payment of payments) print({ type: 'payment', ...payment });
        // Messages are still recorded in the history, as listen does, just not shown here.
        await follow(context, account, () => ({
          message: () => undefined,
          payment: print,
          caughtUp: () => undefined,
          devicesRemoved: () => undefined,
        }));
      });
    });
}
