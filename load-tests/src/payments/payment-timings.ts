import { type ComingClient, type Currency, type PaymentEntry, TransferState } from '@coming/client';

/** One payment from request to the payee's first confirmation, as both sides saw it. */
export interface PaymentTiming {
  /** What the payer paid on top of the amount, in sat, read off the chain. */
  feeSat: number;
  /** From `pay` called to `pay` returned: built, signed and broadcast (or relayed). */
  payMs: number;
  /** From `pay` called to the payee shown it pending (in the mempool, or relayed and seen). */
  seenMs: number;
  /** From the block mined to the payee shown it confirmed (1). */
  confirmedMs: number;
}

export interface PaymentRound {
  payer: ComingClient;
  payee: ComingClient;
  currency: Currency;
  amount: bigint;
  /** Mines one block on the payment's chain. */
  mine: () => Promise<void>;
  /** The fee the payment of `amount` paid, read off its chain. */
  feeOf: (transactionId: string, amount: bigint) => Promise<bigint>;
}

/**
 * Runs one request and payment in the chat and times what the payee is shown. A block is
 * mined as soon as the payee sees the payment pending, so that what is timed is Coming's
 * part (signing, broadcast or relay, the watcher, the push), not a chain's block interval.
 */
export async function timePayment({ payer, payee, currency, amount, mine, feeOf }: PaymentRound): Promise<PaymentTiming> {
  const requested = new Promise<void>((resolve) => {
    const stop = payer.on('paymentRequest', () => {
      stop();
      resolve();
    });
  });
  const { requestId } = await payee.payments.request(payer.accountId, amount, { currency });
  await requested;
  // By the request it answers: the payee may be shown the payment before `pay` returns its ID.
  const shown = (state: TransferState) =>
    shownToPayee(payee, (payment) => payment.requestId === requestId && payment.check.state === state);
  const pending = shown(TransferState.InMempool);
  const confirmed = shown(TransferState.Confirmed);
  const startedAt = performance.now();
  const { transactionId } = await payer.payments.pay(payee.accountId, amount, { currency });
  const payMs = performance.now() - startedAt;
  await pending;
  const seenMs = performance.now() - startedAt;
  const minedAt = performance.now();
  await mine();
  await confirmed;
  return { feeSat: Number(await feeOf(transactionId, amount)), payMs, seenMs, confirmedMs: performance.now() - minedAt };
}

/** Resolves at the first payment the payee is shown that passes `test`, from now on. */
function shownToPayee(payee: ComingClient, test: (payment: PaymentEntry) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = payee.on('payment', (payment) => {
      if (!test(payment)) return;
      stop();
      resolve();
    });
  });
}
