import { subjects } from '@coming/broker';
import { ComingClient, MemoryClientStore } from '@coming/client';
import { events, wire } from '@coming/proto';
import { collectMessages, connectAndDrain, eventually, registeredClient } from '@coming/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Device, InProcessGateway } from './in-process-gateway';

const PER_DEVICE = 2;
const PER_ACCOUNT = 3;

const fail = (what: string): never => {
  throw new Error(what);
};
const someAccount = () => `coming1${randomBytes(20).toString('hex')}`;

describe('connection lifecycle at the gateway', () => {
  let gateway: InProcessGateway;

  beforeAll(async () => {
    gateway = await InProcessGateway.start('connection-lifecycle', {
      env: {
        GATEWAY_MAX_CONNECTIONS_PER_DEVICE: String(PER_DEVICE),
        GATEWAY_MAX_CONNECTIONS_PER_ACCOUNT: String(PER_ACCOUNT),
      },
    });
  });

  afterAll(() => gateway.release());

  /** Announces a revocation as auth does. */
  const revoke = (device: Device, reason: string) =>
    gateway.broker.publish(
      subjects.deviceRevoked(device.accountId, device.deviceId),
      events.DeviceRevoked.encode({ reason, revokedAtMs: Date.now(), accessTokensValidUntilMs: Date.now() + 600_000 }).finish(),
    );

  it('refuses sockets beyond the per-device cap, send-only ones included, with 4430 naming the device', async () => {
    const device = { accountId: someAccount(), deviceId: 1 };
    const held = [await gateway.connect(device, { receive: false }), await gateway.connect(device, { receive: false })];

    const refused = await gateway.connect(device, { receive: false });
    expect(await refused.closed()).toBe(wire.CloseCode.CLOSE_CODE_TOO_MANY_CONNECTIONS);
    expect(refused.closeReason).toMatch(/device already has 2 connections/);
    expect(await (await gateway.connect(device)).closed()).toBe(wire.CloseCode.CLOSE_CODE_TOO_MANY_CONNECTIONS);

    // A socket that closed frees its place.
    held[0]?.terminate();
    await held[0]?.closed();
    await eventually(async () => {
      const next = await gateway.connect(device, { receive: false });
      return (await next.request({ ping: {} })).ping !== undefined;
    }, 'a freed place');
  });

  it('lets a new receiving connection replace the device’s current one even at the cap', async () => {
    const device = { accountId: someAccount(), deviceId: 1 };
    const receiving = await gateway.connect(device);
    await gateway.connect(device, { receive: false });

    const replacing = await gateway.connect(device);
    expect(await receiving.closed()).toBe(wire.CloseCode.CLOSE_CODE_DISPLACED);
    await eventually(() => replacing.queueEmpties === 1, 'the replacing connection to be served');
  });

  it('refuses sockets beyond the per-account cap, across devices', async () => {
    const accountId = someAccount();
    for (let deviceId = 1; deviceId <= PER_ACCOUNT; deviceId += 1) await gateway.connect({ accountId, deviceId });

    const refused = await gateway.connect({ accountId, deviceId: PER_ACCOUNT + 1 });
    expect(await refused.closed()).toBe(wire.CloseCode.CLOSE_CODE_TOO_MANY_CONNECTIONS);
    expect(refused.closeReason).toMatch(/account already has 3 connections/);
  });

  it('closes receiving and send-only sockets with 4403 when their access token expires', async () => {
    const device = { accountId: someAccount(), deviceId: 1 };
    const token = await gateway.token(device, 1_500);
    const sockets = [await gateway.connect(device, { token }), await gateway.connect(device, { token, receive: false })];

    expect(await Promise.all(sockets.map((socket) => socket.closed()))).toEqual([
      wire.CloseCode.CLOSE_CODE_TOKEN_EXPIRED,
      wire.CloseCode.CLOSE_CODE_TOKEN_EXPIRED,
    ]);
  });

  it('closes every socket of a revoked device with 4410 and leaves its account’s other devices alone', async () => {
    const accountId = someAccount();
    const revoked = { accountId, deviceId: 1 };
    const other = { accountId, deviceId: 2 };
    const sockets = [await gateway.connect(revoked), await gateway.connect(revoked, { receive: false })];
    const untouched = await gateway.connect(other);
    await eventually(() => sockets[0]?.queueEmpties === 1 && untouched.queueEmpties === 1, 'both devices to be served');

    await revoke(revoked, 'device removed');

    expect(await Promise.all(sockets.map((socket) => socket.closed()))).toEqual([
      wire.CloseCode.CLOSE_CODE_REVOKED,
      wire.CloseCode.CLOSE_CODE_REVOKED,
    ]);
    expect(sockets[0]?.closeReason).toMatch(/device removed/);
    expect((await untouched.request({ ping: {} })).ping).toBeDefined();
  });

  it('has the SDK refresh its token and reconnect on 4403, and keep receiving', async () => {
    const alice = await registeredClient(gateway.url);
    const store = new MemoryClientStore();
    await (await registeredClient(gateway.url, store)).close();
    // Bob's device holds an access token about to expire, which it believes good for a while.
    const state = (await store.load()) ?? fail('no state');
    const device = { accountId: state.accountId, deviceId: state.deviceId ?? 0 };
    const tokens = state.tokens ?? fail('no tokens');
    await store.save({
      ...state,
      tokens: { ...tokens, accessToken: await gateway.token(device, 1_500), accessTokenExpiresAtMs: Date.now() + 600_000 },
    });
    const bob = await ComingClient.open({ store, server: gateway.url });
    try {
      const received = collectMessages(bob);
      const closes: number[] = [];
      bob.onConnectionClosed((code) => closes.push(code));
      await connectAndDrain(bob);

      await eventually(() => closes.includes(wire.CloseCode.CLOSE_CODE_TOKEN_EXPIRED), 'the token to expire', 10_000);
      await alice.send(bob.accountId, 'after the token expired');

      await eventually(() => received.some((message) => message.text === 'after the token expired'), 'the message');
      // It reconnected with a fresh token, not by logging in again after a refusal.
      expect(closes).toEqual([wire.CloseCode.CLOSE_CODE_TOKEN_EXPIRED]);
      expect((await store.load())?.tokens?.refreshToken).not.toBe(tokens.refreshToken);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  it('has the SDK stay disconnected on 4410', async () => {
    const alice = await registeredClient(gateway.url);
    const bobStore = new MemoryClientStore();
    const bob = await registeredClient(gateway.url, bobStore);
    try {
      collectMessages(bob);
      const closed = new Promise<number>((resolve) => bob.onConnectionClosed(resolve));
      await connectAndDrain(bob);
      const device = { accountId: bob.accountId, deviceId: (await bobStore.load())?.deviceId ?? 0 };

      await revoke(device, 'device removed');

      expect(await closed).toBe(wire.CloseCode.CLOSE_CODE_REVOKED);
      // Had bob reconnected, it would drain this message and the mailbox would be empty.
      await alice.send(bob.accountId, 'to a revoked device');
      expect(await gateway.storedFor(device)).toBe(1);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});
