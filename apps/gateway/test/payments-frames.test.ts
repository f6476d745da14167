import { payments, wire } from '@coming/proto';
import { REGTEST_SEGWIT_HEIGHT, type RegtestNode, RegtestWallet, type Spendable, startRegtestNode } from '@coming/regtest';
import type { StartedService } from '@coming/runtime';
import { findFreePorts } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthLogins } from './auth-logins';
import { DeviceSocket } from './device-socket';
import { startPaymentsOn } from './in-process-payments';
import { type InProcessServices, startInProcessServices } from './in-process-services';

const { PaymentState } = payments;

describe('payment frames through the gateway', () => {
  let node: RegtestNode | undefined;
  let services: InProcessServices;
  let paymentsService: StartedService;
  let logins: AuthLogins;
  const payer = new RegtestWallet();
  let coins: Spendable[];

  beforeAll(async () => {
    const regtest = await startRegtestNode({ port: await findFreePorts(1) });
    node = regtest;
    coins = await payer.mineCoinbases(regtest, 2);
    await regtest.mine(REGTEST_SEGWIT_HEIGHT - regtest.height());
    const paymentsUrl = `127.0.0.1:${await findFreePorts(1)}`;
    services = await startInProcessServices('gateway-payments', { gatewayEnv: { PAYMENTS_GRPC_TARGET: paymentsUrl } });
    paymentsService = await startPaymentsOn(regtest, paymentsUrl, services);
    logins = new AuthLogins(services);
  });

  afterAll(async () => {
    await paymentsService?.close();
    await services?.release();
    await node?.close();
  });

  it("watches, pushes each status change to the payee's devices, and catches a reconnecting device up", async () => {
    const bob = await logins.account(1);
    const alice = await logins.account(1);
    const bobSocket = await DeviceSocket.open(services.gatewayUrl, bob.tokens[0]!);
    const aliceSocket = await DeviceSocket.open(services.gatewayUrl, alice.tokens[0]!);
    const { getChainInfo } = await bobSocket.request({ getChainInfo: {} });
    expect(getChainInfo).toMatchObject({ network: payments.Network.NETWORK_REGTEST, bech32Prefix: 'rb' });

    const address = new RegtestWallet().address;
    expect((await bobSocket.request({ watchAddresses: { addresses: [address] } })).watchAddresses).toEqual({ added: 1, watching: 1 });
    const stolen = await aliceSocket.request({ getUtxos: { addresses: [address], minConfirmations: 0 } });
    expect(stolen.error).toMatchObject({ code: wire.ErrorCode.ERROR_CODE_FORBIDDEN, message: expect.stringContaining(address) });

    const payment = payer.spend([coins[0]!], [{ address, valueSat: 25_000 }], 1_500);
    const { broadcastTransaction } = await aliceSocket.request({ broadcastTransaction: { rawTransaction: payment.raw } });
    expect(broadcastTransaction?.accepted?.txid).toBe(payment.txid);
    await expect
      .poll(() =>
        bobSocket.paymentStatuses.find(({ txid, state }) => txid === payment.txid && state === PaymentState.PAYMENT_STATE_IN_MEMPOOL),
      )
      .toMatchObject({ receivedSat: 25_000, addresses: [address] });

    // Away while the payment confirms: the push is missed, and the device asks on reconnect.
    bobSocket.close();
    await node?.mine(1);
    await expect
      .poll(
        async () =>
          (await aliceSocket.request({ getPaymentStatuses: { txids: [payment.txid], requestAddresses: [], updatedAfterMs: 0 } }))
            .getPaymentStatuses?.statuses[0]?.state,
      )
      .toBe(PaymentState.PAYMENT_STATE_CONFIRMED);
    const back = await DeviceSocket.open(services.gatewayUrl, bob.tokens[0]!);
    const { getPaymentStatuses } = await back.request({ getPaymentStatuses: { txids: [], requestAddresses: [], updatedAfterMs: 1 } });
    expect(getPaymentStatuses?.statuses).toEqual([
      expect.objectContaining({ txid: payment.txid, state: PaymentState.PAYMENT_STATE_CONFIRMED, confirmations: 1 }),
    ]);
    back.close();
    aliceSocket.close();
  });

  it('answers UNAVAILABLE for the chain while its backend is down, and the socket keeps serving other frames', async () => {
    const carol = await logins.account(1);
    const socket = await DeviceSocket.open(services.gatewayUrl, carol.tokens[0]!);
    await node?.close();
    node = undefined;
    const fee = await socket.request({ getFeeEstimate: { targetBlocks: 2 } });
    expect(fee.error).toMatchObject({ code: wire.ErrorCode.ERROR_CODE_UNAVAILABLE });
    expect((await socket.request({ ping: {} })).ping?.serverTimeMs).toBeGreaterThan(0);
    socket.close();
  });
});
