import { BTC, formatAmount, XBTC } from '@coming/client';
import { escapeForTerminal } from '../output/safe-text';
import type { PaymentEventView, PaymentRequestView, PaymentView, WalletView } from './payment-views';

const btc = (sat: number) => formatAmount(BTC, BigInt(sat));
/** The views name their currency by symbol: "BTC" or "X-BTC". */
const amount = ({ currency, amountSat }: { currency: string; amountSat: number }) =>
  formatAmount(currency === XBTC.symbol ? XBTC : BTC, BigInt(amountSat));
const who = (accountId: string, name: string | null) => (name === null ? accountId : escapeForTerminal(name));

export function walletLines({ confirmedSat, unconfirmedSat, address, xbtcSat, evmAddress }: WalletView): string[] {
  const lines = [`confirmed   ${btc(confirmedSat)}`, `unconfirmed ${btc(unconfirmedSat)}`, `address     ${address}`];
  if (evmAddress === null) return lines;
  const xbtc = xbtcSat === null ? 'unavailable' : formatAmount(XBTC, BigInt(xbtcSat));
  return [...lines, `x-btc       ${xbtc}`, `evm address ${evmAddress}`];
}

export function paymentRequestLine(request: PaymentRequestView): string {
  const memo = request.memo === '' ? '' : ` "${escapeForTerminal(request.memo)}"`;
  const counterparty = who(request.counterparty, request.counterpartyName);
  return request.direction === 'sent'
    ? `asked ${counterparty} for ${amount(request)} to ${request.address}${memo}`
    : `${counterparty} asks for ${amount(request)} to ${escapeForTerminal(request.address)}${memo}`;
}

/** A request or a payment as `listen` and `payments --watch` show it. */
export function paymentEventLine(event: PaymentEventView): string {
  return event.type === 'payment' ? paymentLine(event) : `${event.sentAt} ${paymentRequestLine(event)}`;
}

/** Never "paid" before it is confirmed: the status is the chain's word, confirmations counted. */
export function paymentLine(payment: PaymentView): string {
  const status = payment.status === 'confirmed' ? `confirmed (${payment.confirmations})` : payment.status;
  const reason = payment.reason === null ? '' : `: ${escapeForTerminal(payment.reason)}`;
  const arrow = payment.direction === 'sent' ? 'to' : 'from';
  return `${payment.sentAt} ${payment.direction} ${amount(payment)} ${arrow} ${who(payment.counterparty, payment.counterpartyName)} ${payment.txid} ${status}${reason}`;
}
