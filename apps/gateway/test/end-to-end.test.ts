import { ClientError, ClientErrorCode, type ComingClient, MemoryClientStore, ONE_TIME_PRE_KEY_TARGET } from '@coming/client';
import { accountKeyFromSeed, seedFromMnemonic, signalIdentityKeyFromSeed } from '@coming/identity';
import { events, messaging, SIGNAL_CIPHERTEXT_VERSION_BYTE, wire } from '@coming/proto';
import { curveKeyPairFromPrivateKey } from '@coming/signal';
import {
  collectMessages,
  connectAndDrain,
  registeredClient,
  eventually,
  NATS_URL,
  nextQueueEmpty,
  redisEntries,
  startTestStack,
  type TestStack,
} from '@coming/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

// The keys service's default: fewer one-time prekeys than this and the device is told to refill.
const LOW_WATER_MARK = 10;
const FETCHES = 25;

/** A raw socket for frames the SDK does not send on its own. */
function rawSocket(server: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server}/v1/websocket`, { headers: { Authorization: `Bearer ${token}` } });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('end-to-end encryption through the scaled stack', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  const traffic: { subject: string; data: Uint8Array }[] = [];
  const clients: ComingClient[] = [];
  const marker = `plaintext-marker-${randomBytes(8).toString('hex')}`;

  const stores = new Map<ComingClient, MemoryClientStore>();
  const client = async (gateway: number) => {
    const store = new MemoryClientStore();
    const created = await registeredClient(stack.gatewayUrl(gateway), store);
    clients.push(created);
    stores.set(created, store);
    return created;
  };
  const accessTokenOf = async (owner: ComingClient) => (await stores.get(owner)?.load())?.tokens?.accessToken ?? '';

  beforeAll(async () => {
    // One requester drains a stock below the low-water mark here, past the default fetch budgets.
    stack = await startTestStack('end-to-end', {
      gateways: 2,
      // Every client of this file fetches from 127.0.0.1: the per-IP budget (tested in the
      // keys service's own tests) must not be what the top-up case meets.
      env: { KEYS_FETCH_BURST_PER_TARGET: String(FETCHES), KEYS_FETCH_BURST_NEW_ACCOUNT: String(FETCHES), KEYS_FETCH_BURST_PER_IP: '1000' },
    });
    nats = await connect({ servers: NATS_URL });
  });

  /** Records every NATS message of the stack. An observer counts as a responder, so it starts after the offline send. */
  const observeNats = async () => {
    nats.subscribe(`${stack.backends.natsSubjectPrefix}.>`, {
      callback: (_error, message) => {
        traffic.push({ subject: message.subject, data: message.data });
      },
    });
    // Once the server has answered this round trip, it has registered the subscription.
    await nats.flush();
  };

  afterAll(async () => {
    await Promise.all(clients.map((each) => each.close()));
    await nats.drain();
    await stack.release();
  });

  it('exchanges messages both ways, offline and live, as Signal ciphertext only', async () => {
    const alice = await client(0);
    const bob = await client(1);

    // Alice's send opens her connection; once drained, her gateway has subscribed her.
    const aliceSubscribed = nextQueueEmpty(alice);
    await alice.send(bob.accountId, `${marker} offline to Bob`);
    const stored = await stack.query<{ envelope: Buffer }>('select envelope from envelopes');
    expect(stored).toHaveLength(1);
    const storedEnvelope = messaging.Envelope.decode(stored[0]!.envelope);
    expect(storedEnvelope.content[0]).toBe(SIGNAL_CIPHERTEXT_VERSION_BYTE);
    expect(storedEnvelope.contentType).toBe(messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE);

    await observeNats();
    const bobInbox = collectMessages(bob);
    const aliceInbox = collectMessages(alice);
    // Both gateways have subscribed their devices, so the replies below go out live.
    await Promise.all([connectAndDrain(bob), aliceSubscribed]);
    await eventually(() => bobInbox.length === 1, 'the offline message');
    expect(bobInbox[0]?.text).toBe(`${marker} offline to Bob`);

    await bob.send(alice.accountId, `${marker} live to Alice`);
    await alice.send(bob.accountId, `${marker} live to Bob`);
    await eventually(() => aliceInbox.length === 1 && bobInbox.length === 2, 'the live replies');
    expect(aliceInbox[0]?.text).toBe(`${marker} live to Alice`);
    expect(bobInbox[1]?.text).toBe(`${marker} live to Bob`);

    const deliveries = traffic.filter(({ subject }) => subject.endsWith('.deliver'));
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    for (const { data } of deliveries)
      expect(events.DeliveryRequest.decode(data).envelope?.content[0]).toBe(SIGNAL_CIPHERTEXT_VERSION_BYTE);
  });

  it('keeps plaintext and private keys out of PostgreSQL, Redis, NATS and the logs', async () => {
    const secrets = [marker];
    for (const each of clients) {
      const seed = seedFromMnemonic(each.mnemonic);
      const { privateKey } = accountKeyFromSeed(seed);
      const identity = curveKeyPairFromPrivateKey(signalIdentityKeyFromSeed(seed));
      secrets.push(
        each.mnemonic,
        ...[privateKey, identity.privateKey].flatMap((key) => [Buffer.from(key).toString('hex'), Buffer.from(key).toString('base64')]),
      );
    }
    const haystacks: Buffer[] = traffic.map(({ data }) => Buffer.from(data));
    for (const { table_name: table } of await stack.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public'",
    )) {
      for (const row of await stack.query<Record<string, unknown>>(`select * from "${table}"`)) {
        for (const value of Object.values(row)) haystacks.push(Buffer.isBuffer(value) ? value : Buffer.from(String(value)));
      }
    }
    for (const [key, value] of await redisEntries(stack.backends.redisKeyPrefix)) haystacks.push(Buffer.from(key), value);
    for (const file of await readdir(stack.logDir)) haystacks.push(await readFile(join(stack.logDir, file)));

    expect(haystacks.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      for (const haystack of haystacks) {
        expect(haystack.includes(secret)).toBe(false);
        expect(haystack.toString('hex').includes(Buffer.from(secret).toString('hex'))).toBe(false);
      }
    }
  });

  it("tops up a device's one-time prekeys when the server says they run low", async () => {
    const erin = await client(1);
    collectMessages(erin);
    await connectAndDrain(erin);
    const fetcher = await client(0);
    const socket = await rawSocket(stack.gatewayUrl(0), await accessTokenOf(fetcher));
    let answered = 0;
    const refusals: string[] = [];
    socket.on('message', (data: Buffer) => {
      const response = wire.ServerFrame.decode(data).response;
      if (response?.getPreKeyBundles !== undefined) answered += 1;
      if (response?.error !== undefined) refusals.push(`${wire.errorCodeToJSON(response.error.code)}: ${response.error.message}`);
    });
    // Each fetch takes one of Erin's 30 one-time prekeys; under 10 left, she is told to refill.
    for (let requestId = 1; requestId <= FETCHES; requestId += 1) {
      socket.send(wire.ClientFrame.encode({ requestId, getPreKeyBundles: { accountId: erin.accountId } }).finish());
    }
    const stock = async () => {
      const [row] = await stack.query<{ count: string }>('select count(*) from one_time_pre_keys where account_id = $1', [erin.accountId]);
      return Number(row?.count);
    };
    await eventually(() => answered === FETCHES || refusals.length > 0, 'every fetch to be answered');
    expect(refusals).toEqual([]);
    // Without a refill 30 - 25 = 5 would be left; refills read the stock first, so they never overshoot the target.
    await eventually(async () => (await stock()) >= LOW_WATER_MARK, 'Erin to upload fresh prekeys');
    await new Promise((settle) => setTimeout(settle, 500));
    expect(await stock()).toBeGreaterThanOrEqual(LOW_WATER_MARK);
    expect(await stock()).toBeLessThanOrEqual(ONE_TIME_PRE_KEY_TARGET);
    socket.close();
  });

  it("refuses to encrypt to an identity key the recipient's account did not sign", async () => {
    const carol = await client(0);
    const dave = await client(1);
    // A compromised directory swaps Dave's identity key for one of its own.
    await stack.query('update identity_keys set public_key = $1 where account_id = $2', [
      Buffer.from(curveKeyPairFromPrivateKey(randomBytes(32)).publicKey),
      dave.accountId,
    ]);
    const refusal = await carol.send(dave.accountId, 'for Dave only').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ClientError);
    expect(refusal).toMatchObject({
      code: ClientErrorCode.UntrustedIdentity,
      message: expect.stringMatching(/not signed by that account's key/),
    });
  });
});
