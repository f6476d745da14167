import type { ComingClient } from '@coming/client';
import { MemoryClientStore } from '@coming/client';
import { wire } from '@coming/proto';
import { collectMessages, connectAndDrain, eventually, registeredClient, startTestStack, type TestStack } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

// The keys service's defaults: 6 fetches per requesting device and target, then one per 10 minutes.
const BURST_PER_TARGET = 6;

/** A raw connection that sends key fetches one at a time and returns each response. */
async function fetcher(server: string, token: string) {
  const socket = new WebSocket(`${server}/v1/websocket?receive=false`, { headers: { Authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const answers = new Map<number, (response: wire.Response) => void>();
  socket.on('message', (data: Buffer) => {
    const response = wire.ServerFrame.decode(data).response;
    if (response !== undefined) answers.get(response.requestId)?.(response);
  });
  let requestId = 0;
  return {
    fetch(accountId: string): Promise<wire.Response> {
      requestId += 1;
      const answered = new Promise<wire.Response>((resolve) => answers.set(requestId, resolve));
      socket.send(wire.ClientFrame.encode({ requestId, getPreKeyBundles: { accountId } }).finish());
      return answered;
    },
    close: () => socket.close(),
  };
}

describe('prekey exhaustion through the scaled stack', () => {
  let stack: TestStack;
  const stores = new Map<ComingClient, MemoryClientStore>();
  const client = async () => {
    const store = new MemoryClientStore();
    const created = await registeredClient(stack.gatewayUrl(0), store);
    stores.set(created, store);
    return created;
  };
  const tokenOf = async (owner: ComingClient) => (await stores.get(owner)?.load())?.tokens?.accessToken ?? '';

  beforeAll(async () => {
    stack = await startTestStack('pre-key-exhaustion');
  });

  afterAll(async () => {
    for (const owner of stores.keys()) await owner.close();
    await stack?.release();
  });

  it('lets a new contact reach a device whose one-time prekeys a few fresh accounts drained', async () => {
    const bob = await client();
    const stock = async () => {
      const [row] = await stack.query<{ count: string }>('select count(*) from one_time_pre_keys where account_id = $1', [bob.accountId]);
      return Number(row?.count);
    };
    // Bob is offline, so nothing refills his stock while fresh accounts drain it.
    while ((await stock()) > 0) {
      const attacker = await fetcher(stack.gatewayUrl(0), await tokenOf(await client()));
      for (let fetch = 0; fetch < BURST_PER_TARGET; fetch += 1) {
        expect((await attacker.fetch(bob.accountId)).getPreKeyBundles?.devices).toHaveLength(1);
      }
      // The next fetch is over this device's budget for Bob, and says for how long.
      const refused = await attacker.fetch(bob.accountId);
      expect(refused.error?.code).toBe(wire.ErrorCode.ERROR_CODE_RATE_LIMITED);
      expect(refused.error?.retryAfterMs).toBeGreaterThan(0);
      attacker.close();
    }

    const alice = await client();
    await alice.send(bob.accountId, 'hello after the drain');
    const received = collectMessages(bob);
    await connectAndDrain(bob);
    await eventually(() => received.length === 1, 'Bob to get the message');
    expect(received[0]?.text).toBe('hello after the drain');
  });
});
