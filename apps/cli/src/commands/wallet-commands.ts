import { type Command, Option } from 'commander';
import type { Account, CurrencyName } from '../account/account';
import { CliError } from '../cli.errors';
import { type CommandContext, nonNegativeInteger, positiveInteger, printJson } from '../command-context';
import { ExitCode } from '../exit-codes';
import { ask } from '../home/prompt';
import { formatAmount, XBTC } from '@coming/client';
import { paymentEventLine, paymentLine, paymentRequestLine, walletLines } from '../wallet/payment-lines';
import type { PaymentEventView } from '../wallet/payment-views';
import { follow } from './follow';

export function addWalletCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('wallet')
    .description('the BTC balance and a fresh receive address, the X-BTC balance and address (primary device only)')
    .option('--json', '{"confirmedSat","unconfirmedSat","address","xbtcSat","evmAddress"}')
    .action(async ({ json }: { json?: boolean }) => {
      const wallet = await context.withAccount({ receive: false }, (account) => account.wallet());
      if (json === true) printJson(io, wallet);
      else for (const line of walletLines(wallet)) io.stdout.write(`${line}\n`);
    });

  program
    .command('request')
    .description('ask a contact for bitcoin (or X-BTC) in the chat, at an address of this wallet')
    .argument('<contact>', 'a contact name or an account ID')
    .argument('<amount>', 'in BTC or X-BTC, e.g. 0.001 (at most 8 decimals)')
    .addOption(currencyOption())
    .option('--memo <text>', 'what it is for', '')
    .option('--json', 'print the request as JSON')
    .action(async (contact: string, amount: string, { currency, memo, json }: { currency: CurrencyName; memo: string; json?: boolean }) => {
      const request = await context.withAccount({ receive: false }, (account) =>
        account.requestPayment(contact, amount, { currency, memo }),
      );
      if (json === true) printJson(io, request);
      else io.stdout.write(`${paymentRequestLine(request)}\n`);
    });

  program
    .command('pay')
    .description(
      "pay a contact's pending request for this amount; prints the txid once broadcast (X-BTC: shows the relayer's fee and asks first)",
    )
    .argument('<contact>', 'a contact name or an account ID')
    .argument('<amount>', 'in BTC or X-BTC, e.g. 0.001: the amount the request asked for')
    .addOption(currencyOption())
    .option('--memo <text>', 'a note for the payee', '')
    .option('--fee-rate <sat-per-vb>', "BTC: override the service's fee estimate", positiveInteger)
    .option('--max-fee <sat>', 'refuse to pay a fee above this, before signing', nonNegativeInteger)
    .option('--yes', "X-BTC: pay the relayer's fee without asking")
    .option('--json', 'print the payment as JSON')
    .action(async (contact: string, amount: string, options: PayOptions) => {
      const { json, yes, ...choices } = options;
      // Receiving: the payee's request may be waiting on the server.
      const paid = await context.withAccount({ receive: true }, async (account) => {
        const fee = choices.currency === 'xbtc' ? await agreedXbtcFee(context, account, choices.maxFee, yes === true) : undefined;
        return account.pay(contact, amount, { ...choices, ...(fee === undefined ? {} : { fee }) });
      });
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

interface PayOptions {
  currency: CurrencyName;
  memo: string;
  feeRate?: number;
  maxFee?: number;
  yes?: boolean;
  json?: boolean;
}

function currencyOption(): Option {
  return new Option('--currency <currency>', 'btc or xbtc').choices(['btc', 'xbtc']).default('btc');
}

/**
 * The relayer's fee for an X-BTC payment, as the user agreed to it: shown on stderr before
 * anything is signed, then asked unless `--yes`. The payment signs exactly this fee, so a
 * quote that rises meanwhile cannot take more than was shown.
 */
async function agreedXbtcFee({ io }: CommandContext, account: Account, maxFee: number | undefined, yes: boolean): Promise<number> {
  const fee = await account.xbtcFeeQuote();
  io.stderr.write(`fee: ${fee} sat (${formatAmount(XBTC, BigInt(fee))}) to the relayer, who pays the gas\n`);
  if (maxFee !== undefined && fee > maxFee) {
    throw new CliError(ExitCode.Failure, `the relayer's fee is ${fee} sat, above --max-fee ${maxFee}: nothing was signed`);
  }
  if (!yes) {
    const answer = await ask(io, 'Pay it? [y/N] ', { silent: false, otherwise: 'pass --yes to agree to the fee shown' });
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError(ExitCode.Failure, 'not paid: nothing was signed');
  }
  return fee;
}
