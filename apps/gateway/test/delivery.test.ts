import { ClientError, ClientErrorCode, ComingClient, MemoryClientStore } from '@coming/client';
import { accountKeyFromMnemonic } from '@coming/identity';
import {
  collectMessages,
  connectAndDrain,
  eventually,
  nextQueueEmpty,
  recordEnvelopeInserts,
  redisEntries,
  registeredClient,
  startTestStack,
  type TestStack,
} from '@coming/testing';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('delivery across two gateways', () => {
  let stack: TestStack;
  const clients: ComingClient[] = [];

  const client = async (gateway: number) => {
    const created = await registeredClient(stack.gatewayUrl(gateway));
    clients.push(created);
    return created;
  };
  const envelopeRows = async () => Number((await stack.query<{ count: string }>('select count(*) from envelopes'))[0]?.count);
  let everInserted: () => Promise<number>;

  beforeAll(async () => {
    stack = await startTestStack('delivery', {
      gateways: 2,
      // On a NATS of the stack's own with per-service users and subject permissions, as deployed.
      ownNats: true,
      // A loaded machine may take seconds to decrypt and acknowledge; a live push that timed
      // out would be stored instead, and the tests that count mailbox rows would fail.
      env: { GATEWAY_LIVE_ACK_TIMEOUT_MS: '30000' },
    });
    everInserted = await recordEnvelopeInserts(stack);
  });

  afterAll(async () => {
    await Promise.all(clients.map((each) => each.close()));
    await stack.release();
  });

  it('delivers live to a device on the other gateway without writing a mailbox row', async () => {
    const alice = await client(0);
    const bob = await client(1);
    const received = collectMessages(bob);
    await connectAndDrain(bob);
    const inserts = await everInserted();

    await alice.send(bob.accountId, 'live one');

    await eventually(() => received.length === 1, 'the live message');
    expect(received[0]).toMatchObject({ from: alice.accountId, text: 'live one' });
    expect(await everInserted()).toBe(inserts);
  });

  it('commits a message for an offline device and delivers it when the device connects, then deletes it', async () => {
    const alice = await client(0);
    const bob = await client(1);

    await alice.send(bob.accountId, 'stored one');
    expect(await envelopeRows()).toBe(1);
    // PostgreSQL alone holds stored envelopes: no copy in Redis can outlive an acknowledgement.
    expect((await redisEntries(`${stack.backends.redisKeyPrefix}mailbox:`)).size).toBe(0);

    const received = collectMessages(bob);
    await bob.connect();
    await eventually(() => received.length === 1, 'the stored message');
    expect(received[0]?.text).toBe('stored one');
    await eventually(async () => (await envelopeRows()) === 0, 'the acknowledged row to be deleted');
    expect((await redisEntries(`${stack.backends.redisKeyPrefix}mailbox:`)).size).toBe(0);
  });

  it('closes an older connection of the same device with 4409', async () => {
    const store = new MemoryClientStore();
    const first = await ComingClient.create({ store, server: stack.gatewayUrl(0) });
    // Registering opens the first connection; once drained, its gateway has subscribed to the device's connection notices.
    const firstSubscribed = nextQueueEmpty(first);
    await first.register();
    collectMessages(first);
    await firstSubscribed;
    const closed = new Promise<number>((resolve) => first.onConnectionClosed(resolve));

    const second = await ComingClient.open({ store, server: stack.gatewayUrl(1) });
    clients.push(first, second);
    collectMessages(second);
    await second.connect();

    expect(await closed).toBe(4409);
  });

  it('lets a send-only connection of a device send without displacing its receiving one', async () => {
    const alice = await client(0);
    const bobStore = new MemoryClientStore();
    const bob = await ComingClient.create({ store: bobStore, server: stack.gatewayUrl(1) });
    const bobSubscribed = nextQueueEmpty(bob);
    await bob.register();
    clients.push(bob);
    const received = collectMessages(bob);
    await bobSubscribed;
    const closes: number[] = [];
    bob.onConnectionClosed((code) => closes.push(code));

    const bobSending = await ComingClient.open({ store: bobStore, server: stack.gatewayUrl(0), receive: false });
    clients.push(bobSending);
    await bobSending.send(alice.accountId, 'from the send-only connection');
    await alice.send(bob.accountId, 'to the receiving connection');

    await eventually(() => received.length === 1, 'the message on the receiving connection');
    expect(received[0]?.text).toBe('to the receiving connection');
    expect(closes).toEqual([]);
  });

  it('acknowledges a message even when the client closes as soon as it has it, as the CLI does', async () => {
    const alice = await client(0);
    const bob = await client(1);
    const inserts = await everInserted();
    let closed: Promise<void> | undefined;
    bob.onMessage(
      () => {
        closed = bob.close();
      },
      { max: 1 },
    );
    await connectAndDrain(bob);

    await alice.send(bob.accountId, 'read and gone');

    await eventually(() => closed !== undefined, 'the message');
    await closed;
    expect(await everInserted()).toBe(inserts);
  });

  it('refuses a message to an account that never registered', async () => {
    const alice = await client(0);
    const neverRegistered = await ComingClient.create({ store: new MemoryClientStore(), server: stack.gatewayUrl(0) });
    const unknownAccount = neverRegistered.accountId;
    const refusal = await alice.send(unknownAccount, 'anyone there?').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ClientError);
    expect((refusal as ClientError).code).toBe(ClientErrorCode.Rejected);
    expect((refusal as ClientError).message).toMatch(/published no keys/);
  });

  it('leaves no mnemonic or private key in PostgreSQL, Redis or the logs', async () => {
    const secrets = clients.flatMap((each) => {
      const { privateKey } = accountKeyFromMnemonic(each.mnemonic);
      return [each.mnemonic, Buffer.from(privateKey).toString('hex'), Buffer.from(privateKey).toString('base64')];
    });
    const haystacks: string[] = [];
    for (const { table_name: table } of await stack.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public'",
    )) {
      const rows = await stack.query<Record<string, unknown>>(`select * from "${table}"`);
      haystacks.push(
        JSON.stringify(rows, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value)),
      );
    }
    for (const [key, value] of await redisEntries(stack.backends.redisKeyPrefix))
      haystacks.push(key, value.toString('hex'), value.toString('latin1'));
    for (const file of await readdir(stack.logDir)) haystacks.push(await readFile(join(stack.logDir, file), 'utf8'));

    expect(secrets.length).toBeGreaterThan(10);
    expect(haystacks.join('\n').length).toBeGreaterThan(1000);
    for (const secret of secrets) for (const haystack of haystacks) expect(haystack.includes(secret)).toBe(false);
  });
});
