import { SMS_POLICIES } from '@coming/client';
import { JSONRPCErrorCode, JSONRPCErrorException, JSONRPCServer } from 'json-rpc-2.0';
import { z } from 'zod';
import type { Account, MessageView } from '../account/account';
import type { RemovedDeviceView } from '../account/device-views';
import { failureOf } from '../failures';
import type { PaymentEventView } from '../wallet/payment-views';

/**
 * The daemon's JSON-RPC 2.0 methods, one line per request and response. Errors carry
 * the exit code the same command would have exited with, as `data.exitCode`, and a
 * JSON-RPC code of -32000 minus it. `link` has no method: it makes a new home, which no
 * daemon holds yet.
 */
export const DAEMON_METHODS = [
  'whoami',
  'send',
  'contacts',
  'contactAdd',
  'contactRemove',
  'contactSetPhone',
  'transportSet',
  'history',
  'subscribe',
  'devices',
  'deviceRemove',
  'deviceName',
  'approve',
  'wallet',
  'request',
  'pay',
  'xbtcFeeQuote',
  'bump',
  'payments',
] as const;

const SEND_TIMEOUT_SECONDS = 30;
const HISTORY_LIMIT = 20;

const sendParams = z.object({ to: z.string(), text: z.string().min(1), timeoutSeconds: z.number().positive().optional() });
const contactAddParams = z.object({ name: z.string(), accountId: z.string() });
const contactRemoveParams = z.object({ name: z.string() });
const contactSetPhoneParams = z.object({ contact: z.string(), phone: z.string(), device: z.number().int().positive().optional() });
const transportSetParams = z.object({ contact: z.string(), transport: z.enum(SMS_POLICIES) });
const historyParams = z.object({ contact: z.string(), limit: z.number().int().positive().optional() });
const deviceRemoveParams = z.object({ id: z.number().int().positive() });
const deviceNameParams = z.object({ name: z.string() });
const approveParams = z.object({ linkCode: z.string() });
const requestParams = z.object({
  contact: z.string(),
  amount: z.string(),
  currency: z.enum(['btc', 'xbtc']).optional(),
  memo: z.string().optional(),
});
const sat = z.number().int().nonnegative();
const payParams = requestParams.extend({ feeRate: z.number().int().positive().optional(), fee: sat.optional(), maxFee: sat.optional() });
const bumpParams = z.object({ txid: z.string(), feeRate: z.number().int().positive() });

/** A notification to one connection: a message, a payment event, "caught up", or devices removed from the account. */
export type Notify = (
  method: 'message' | 'payment' | 'caughtUp' | 'devicesRemoved',
  params: MessageView | PaymentEventView | RemovedDeviceView[] | object,
) => void;

/** Whom the daemon tells about incoming messages. */
export interface Subscriptions {
  add(peer: Notify): { caughtUp: boolean };
}

/** One JSON-RPC server per connection; `subscribe` registers that connection's notifier. */
export function daemonMethods(account: Account, subscriptions: Subscriptions, notify: Notify): JSONRPCServer {
  // Every failure goes back to its caller in the response; the library would also print it.
  const server = new JSONRPCServer({ errorListener: () => undefined });
  const method = <T>(name: (typeof DAEMON_METHODS)[number], schema: z.ZodType<T>, run: (params: T) => Promise<unknown>) =>
    server.addMethod(name, async (params: unknown) => {
      const parsed = schema.safeParse(params ?? {});
      if (!parsed.success)
        throw new JSONRPCErrorException(`invalid params: ${z.prettifyError(parsed.error)}`, JSONRPCErrorCode.InvalidParams);
      try {
        return (await run(parsed.data)) ?? null;
      } catch (error) {
        const { exitCode, message } = failureOf(error);
        throw new JSONRPCErrorException(message ?? 'failed', -32000 - exitCode, { exitCode });
      }
    });
  const none = z.object({}).strict();
  method('whoami', none, async () => ({ accountId: await account.accountId() }));
  method('send', sendParams, ({ to, text, timeoutSeconds }) => account.send(to, text, (timeoutSeconds ?? SEND_TIMEOUT_SECONDS) * 1000));
  method('contacts', none, () => account.contacts());
  method('contactAdd', contactAddParams, ({ name, accountId }) => account.addContact(name, accountId));
  method('contactRemove', contactRemoveParams, ({ name }) => account.removeContact(name));
  method('contactSetPhone', contactSetPhoneParams, ({ contact, phone, device }) => account.setContactPhone(contact, phone, device));
  method('transportSet', transportSetParams, ({ contact, transport }) => account.setTransport(contact, transport));
  method('history', historyParams, ({ contact, limit }) => account.history(contact, limit ?? HISTORY_LIMIT));
  method('subscribe', none, async () => ({ subscribed: true, ...subscriptions.add(notify) }));
  method('devices', none, () => account.devices());
  method('deviceRemove', deviceRemoveParams, ({ id }) => account.removeDevice(id));
  method('deviceName', deviceNameParams, ({ name }) => account.nameThisDevice(name));
  method('approve', approveParams, ({ linkCode }) => account.approveLink(linkCode));
  method('wallet', none, () => account.wallet());
  method('request', requestParams, ({ contact, amount, currency, memo }) =>
    account.requestPayment(contact, amount, { currency: currency ?? 'btc', memo: memo ?? '' }),
  );
  method('pay', payParams, ({ contact, amount, currency, memo, ...fees }) =>
    account.pay(contact, amount, { currency: currency ?? 'btc', memo: memo ?? '', ...fees }),
  );
  method('xbtcFeeQuote', none, async () => ({ feeSat: await account.xbtcFeeQuote() }));
  method('bump', bumpParams, ({ txid, feeRate }) => account.bump(txid, feeRate));
  method('payments', none, () => account.payments());
  return server;
}
