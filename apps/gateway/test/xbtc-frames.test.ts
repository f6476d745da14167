import { type EvmDevnet, startEvmDevnet } from '@coming/evm-devnet';
import { payments, wire } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import { findFreePorts } from '@coming/testing';
import { TRANSFER_WITH_FEE_TYPES, type TransferWithFee, xbtcDomain } from '@coming/xbtc';
import { randomBytes } from 'node:crypto';
import { type Address, hexToBytes, parseEther, toHex } from 'viem';
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthLogins } from './auth-logins';
import { DeviceSocket } from './device-socket';
import { startXbtcPaymentsOn, XBTC_CONFIRMATION_DEPTH, XBTC_RELAYS_PER_MINUTE } from './in-process-payments';
import { type InProcessServices, startInProcessServices } from './in-process-services';

const { PaymentState, XbtcRejection } = payments;
const MINTED_SAT = 10_000_000;
const HOUR = 3_600n;

// The X-BTC frames through the in-process gateway, answered by the real payments service
// relaying on a real local EVM chain (hardhat).
describe('X-BTC frames through the gateway', () => {
  let chain: EvmDevnet | undefined;
  let services: InProcessServices;
  let paymentsService: StartedService;
  let logins: AuthLogins;
  const relayerKey = generatePrivateKey();
  const relayer = privateKeyToAccount(relayerKey).address;
  const sender = privateKeyToAccount(generatePrivateKey());
  const payee = privateKeyToAccount(generatePrivateKey()).address;

  /** An authorization `signer` signs on the device for the chain and token the gateway describes. */
  async function authorize(socket: DeviceSocket, signer: PrivateKeyAccount, terms: Partial<TransferWithFee> = {}) {
    const { getXbtcInfo } = await socket.request({ getXbtcInfo: {} });
    const { quoteXbtcFee } = await socket.request({ quoteXbtcFee: {} });
    const now = (await chain!.client.getBlock()).timestamp;
    const message: TransferWithFee = {
      from: signer.address,
      to: payee,
      value: 100_000n,
      fee: BigInt(quoteXbtcFee!.feeSat),
      validAfter: 0n,
      validBefore: now + HOUR,
      nonce: toHex(randomBytes(32)),
      ...terms,
    };
    const signature = await signer.signTypedData({
      domain: xbtcDomain(getXbtcInfo!.chainId, getXbtcInfo!.token as Address),
      types: TRANSFER_WITH_FEE_TYPES,
      primaryType: 'TransferWithFee',
      message,
    });
    return {
      from: message.from,
      to: message.to,
      valueSat: Number(message.value),
      feeSat: Number(message.fee),
      validAfter: Number(message.validAfter),
      validBefore: Number(message.validBefore),
      nonce: hexToBytes(message.nonce),
      signature: hexToBytes(signature),
      chainId: getXbtcInfo!.chainId,
      token: getXbtcInfo!.token,
    };
  }

  /** A fresh account with one connected device. */
  async function connectedDevice() {
    const account = await logins.account(1);
    return DeviceSocket.open(services.gatewayUrl, account.tokens[0]!);
  }

  beforeAll(async () => {
    const [evmPort, paymentsPort] = [await findFreePorts(1), await findFreePorts(1)];
    const evm = await startEvmDevnet({ port: evmPort });
    chain = evm;
    await evm.setNativeBalance(relayer, parseEther('10'));
    await evm.mint(sender.address, BigInt(MINTED_SAT));
    const paymentsUrl = `127.0.0.1:${paymentsPort}`;
    services = await startInProcessServices('gateway-xbtc', { gatewayEnv: { PAYMENTS_GRPC_TARGET: paymentsUrl } });
    paymentsService = await startXbtcPaymentsOn(evm, relayerKey, paymentsUrl, services);
    logins = new AuthLogins(services);
  }, 60_000);

  afterAll(async () => {
    await paymentsService?.close();
    await services?.release();
    await chain?.close();
  });

  it('watches, describes, quotes and relays a signed transfer, pushing its status up to confirmed', async () => {
    const socket = await connectedDevice();
    expect((await socket.request({ watchXbtcAddresses: { addresses: [sender.address] } })).watchXbtcAddresses).toEqual({
      added: 1,
      watching: 1,
    });
    const { getXbtcInfo } = await socket.request({ getXbtcInfo: {} });
    expect(getXbtcInfo).toMatchObject({
      chainId: chain!.chainId,
      token: chain!.token,
      relayer,
      confirmationDepth: XBTC_CONFIRMATION_DEPTH,
    });
    const { getXbtcBalance } = await socket.request({ getXbtcBalance: { address: sender.address.toLowerCase() } });
    expect(getXbtcBalance).toMatchObject({ address: sender.address, balanceSat: MINTED_SAT, pendingOutSat: 0 });
    const { quoteXbtcFee } = await socket.request({ quoteXbtcFee: {} });
    expect(quoteXbtcFee?.feeSat).toBeGreaterThanOrEqual(1);

    const authorization = await authorize(socket, sender);
    const { relayXbtcTransfer } = await socket.request({ relayXbtcTransfer: { authorization } });
    expect(relayXbtcTransfer?.accepted).toMatchObject({ from: sender.address, to: payee, valueSat: 100_000, feeSat: authorization.feeSat });
    const txHash = relayXbtcTransfer!.accepted!.txHash;
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);

    // The devnet mines it at once; the follower may first see it a block or more deep.
    const mined = await socket.xbtcTransferStatus(
      (status) => status.txHash === txHash && status.state === PaymentState.PAYMENT_STATE_CONFIRMED,
    );
    expect(mined).toMatchObject({ confirmationDepth: XBTC_CONFIRMATION_DEPTH, blockHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(mined.confirmations).toBeGreaterThanOrEqual(1);
    await chain!.mine(XBTC_CONFIRMATION_DEPTH);
    const deep = await socket.xbtcTransferStatus((status) => status.txHash === txHash && status.confirmations === XBTC_CONFIRMATION_DEPTH);
    expect(deep.state).toBe(PaymentState.PAYMENT_STATE_CONFIRMED);

    const { getXbtcTransfers } = await socket.request({ getXbtcTransfers: { txHashes: [txHash], addresses: [] } });
    expect(getXbtcTransfers?.transfers).toEqual([expect.objectContaining({ txHash, confirmations: XBTC_CONFIRMATION_DEPTH })]);

    // A refusal is an answer, not an error: the device learns what to fix.
    const cheap = await socket.request({ relayXbtcTransfer: { authorization: await authorize(socket, sender, { fee: 1n }) } });
    expect(cheap.relayXbtcTransfer?.rejected).toMatchObject({ rejection: XbtcRejection.XBTC_REJECTION_FEE_TOO_LOW });
    socket.close();
  });

  it("refuses another account's address as FORBIDDEN, naming it, and a frame without an authorization as INVALID_ARGUMENT", async () => {
    const owner = await connectedDevice();
    const stranger = await connectedDevice();
    const owned = privateKeyToAccount(generatePrivateKey());
    await owner.request({ watchXbtcAddresses: { addresses: [owned.address] } });
    const forbidden = { code: wire.ErrorCode.ERROR_CODE_FORBIDDEN, message: expect.stringContaining(owned.address) };

    expect((await stranger.request({ watchXbtcAddresses: { addresses: [owned.address] } })).error).toMatchObject(forbidden);
    expect((await stranger.request({ getXbtcBalance: { address: owned.address } })).error).toMatchObject(forbidden);
    expect((await stranger.request({ getXbtcTransfers: { txHashes: [], addresses: [owned.address] } })).error).toMatchObject(forbidden);
    const relayed = await stranger.request({ relayXbtcTransfer: { authorization: await authorize(stranger, owned) } });
    expect(relayed.error).toMatchObject(forbidden);

    const empty = await stranger.request({ relayXbtcTransfer: { authorization: undefined } });
    expect(empty.error).toMatchObject({
      code: wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
      message: expect.stringContaining('authorization'),
    });
    owner.close();
    stranger.close();
  });

  it('answers RATE_LIMITED once an account has relayed as often as it may in a minute', async () => {
    const socket = await connectedDevice();
    const signer = privateKeyToAccount(generatePrivateKey());
    await socket.request({ watchXbtcAddresses: { addresses: [signer.address] } });
    // Refused relays count too: every one costs the relayer checks against the chain.
    const unfunded = await authorize(socket, signer);
    for (let count = 0; count < XBTC_RELAYS_PER_MINUTE; count += 1) {
      const { relayXbtcTransfer } = await socket.request({ relayXbtcTransfer: { authorization: unfunded } });
      expect(relayXbtcTransfer?.rejected?.rejection).toBe(XbtcRejection.XBTC_REJECTION_INSUFFICIENT_BALANCE);
    }
    const limited = await socket.request({ relayXbtcTransfer: { authorization: unfunded } });
    expect(limited.error).toMatchObject({
      code: wire.ErrorCode.ERROR_CODE_RATE_LIMITED,
      message: expect.stringContaining(`at most ${XBTC_RELAYS_PER_MINUTE} X-BTC relays a minute`),
    });
    socket.close();
  });

  it('answers UNAVAILABLE for balances, quotes and relays while the EVM backend is down, and keeps serving other frames', async () => {
    const socket = await connectedDevice();
    const signer = privateKeyToAccount(generatePrivateKey());
    await socket.request({ watchXbtcAddresses: { addresses: [signer.address] } });
    const authorization = await authorize(socket, signer);
    await chain!.close();
    chain = undefined;
    const unavailable = { code: wire.ErrorCode.ERROR_CODE_UNAVAILABLE };
    expect((await socket.request({ quoteXbtcFee: {} })).error).toMatchObject(unavailable);
    expect((await socket.request({ getXbtcBalance: { address: signer.address } })).error).toMatchObject(unavailable);
    expect((await socket.request({ relayXbtcTransfer: { authorization } })).error).toMatchObject(unavailable);
    expect((await socket.request({ ping: {} })).ping?.serverTimeMs).toBeGreaterThan(0);
    socket.close();
  });
});
