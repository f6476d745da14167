import { BTC, formatAmount } from '@coming/client';
import { escapeForTerminal } from '../output/safe-text';
import type { PaymentRequestView, PaymentView, WalletView } from './payment-views';

const btc = (sat: number) => `${formatAmount(BTC, BigInt(sat))} BTC`;
const who = (accountId: string, name: string | null) => (name === null ? accountId : escapeForTerminal(name));

export function walletLines({ confirmedSat, unconfirmedSat, address }: WalletView): string[] {
  return [`confirmed   ${btc(confirmedSat)}`, `unconfirmed ${btc(unconfirmedSat)}`, `address     ${address}`];
}

export function paymentRequestLine(request: PaymentRequestView): string {
  const memo = request.memo === '' ? '' : ` "${escapeForTerminal(request.memo)}"`;
  return `asked ${who(request.to, request.toName)} for ${btc(request.amountSat)} to ${request.address}${memo}`;
}

/** Never "paid" before it is confirmed: the status is the chain's word, confirmations counted. */
export function paymentLine(payment: PaymentView): string {
  const status = payment.status === 'confirmed' ? `confirmed (${payment.confirmations})` : payment.status;
  const reason = payment.reason === null ? '' : `: ${escapeForTerminal(payment.reason)}`;
  const arrow = payment.direction === 'sent' ? 'to' : 'from';
  return `${payment.sentAt} ${payment.direction} ${btc(payment.amountSat)} ${arrow} ${who(payment.counterparty, payment.counterpartyName)} ${payment.txid} ${status}${reason}`;
}
