import { ClientErrorCode, ComingClient, LoginApi, MemoryClientStore, type RemovedDeviceNotice } from '@coming/client';
import { accountKeyFromMnemonic } from '@coming/identity';
import { wire } from '@coming/proto';
import { collectMessages, collectSent, connectAndDrain, eventually, linkedClient, registeredClient } from '@coming/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServices, startInProcessServices } from './in-process-services';

const GATEWAY_ENV = {
  // Short, so that the expiry test waits little; linking in the other test takes well under it.
  GATEWAY_PROVISIONING_TTL_MS: '3000',
  // A device that stopped taking messages holds up the sender this long before its copy is stored.
  GATEWAY_LIVE_ACK_TIMEOUT_MS: '1000',
};

const texts = (messages: { text: string }[]) => messages.map(({ text }) => text);

describe('linking a device through the SDK', () => {
  let services: InProcessServices;
  const clients: ComingClient[] = [];

  beforeAll(async () => {
    services = await startInProcessServices('sdk-linking', { gatewayEnv: GATEWAY_ENV });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await services?.release();
  });

  const account = async (store = new MemoryClientStore()) => {
    const client = await registeredClient(services.gatewayUrl, store);
    clients.push(client);
    return client;
  };

  /** Rows the mailbox and the key directory hold for one device. */
  const rowsOf = async (accountId: string, deviceId: number) => {
    const { rows } = await sql<{ envelopes: string; keys: string }>`select
        (select count(*) from envelopes where account_id = ${accountId} and device_id = ${deviceId}) as envelopes,
        (select count(*) from device_keys where account_id = ${accountId} and device_id = ${deviceId})
      + (select count(*) from one_time_pre_keys where account_id = ${accountId} and device_id = ${deviceId})
      + (select count(*) from one_time_kyber_pre_keys where account_id = ${accountId} and device_id = ${deviceId}) as keys`.execute(
      services.infrastructure.db,
    );
    return { envelopes: Number(rows[0]?.envelopes), keys: Number(rows[0]?.keys) };
  };

  it('links a device that never sees the recovery phrase, keeps both in the conversation, and removes it everywhere', async () => {
    const primaryStore = new MemoryClientStore();
    const primary = await account(primaryStore);
    const contact = await account();

    // (1) The new device shows a link code; the primary approves it.
    const linkedStore = new MemoryClientStore();
    const firstRun = await linkedClient(primary, services.gatewayUrl, linkedStore);
    await firstRun.close();
    // The next run opens the home as a linked device, and logs in again with its certificate.
    const state = await linkedStore.load();
    delete state?.tokens;
    if (state !== null) await linkedStore.save(state);
    const linked = await ComingClient.open({ store: linkedStore, server: services.gatewayUrl });
    clients.push(linked);
    expect(linked.accountId).toBe(primary.accountId);
    expect([primary.isPrimary, linked.isPrimary]).toEqual([true, false]);
    expect(() => linked.mnemonic).toThrow(expect.objectContaining({ code: ClientErrorCode.Identity }));
    const stored = JSON.stringify(await linkedStore.load());
    const words = primary.mnemonic.split(' ');
    // No run of two of its words (base64 holds no spaces), nor the account private key in any spelling.
    for (let index = 1; index < words.length; index += 1) expect(stored).not.toContain(`${words[index - 1]} ${words[index]}`);
    const accountPrivateKey = Buffer.from(accountKeyFromMnemonic(primary.mnemonic).privateKey);
    for (const spelling of ['base64', 'hex', 'base64url'] as const) expect(stored).not.toContain(accountPrivateKey.toString(spelling));
    await expect(linked.approveLink('coming-link:?v=1')).rejects.toMatchObject({ code: ClientErrorCode.Identity });
    await expect(linked.removeDevice(1)).rejects.toMatchObject({
      code: ClientErrorCode.Identity,
      message: expect.stringMatching(/only the account's primary device/),
    });

    await expect(primary.removeDevice(1)).rejects.toMatchObject({ code: ClientErrorCode.InvalidArgument });
    await expect(linked.nameThisDevice(' ')).rejects.toMatchObject({ code: ClientErrorCode.InvalidArgument });
    await linked.nameThisDevice('tablet');
    expect((await linkedStore.load())?.tokens).toBeDefined();
    expect((await primary.devices()).devices).toEqual([
      expect.objectContaining({ deviceId: 1, kind: 'primary', name: undefined, thisDevice: true, ready: true }),
      expect.objectContaining({ deviceId: 2, kind: 'linked', name: 'tablet', thisDevice: false, ready: true }),
    ]);

    // (2) Both devices get the contact's messages, and each sees what the other sent.
    const receivedByPrimary = collectMessages(primary);
    const receivedByContact = collectMessages(contact);
    let receivedByLinked: { text: string }[] = [];
    const stopLinked = linked.onMessage((message) => (receivedByLinked = [...receivedByLinked, message]));
    const sentSeenByPrimary = collectSent(primary);
    const sentSeenByLinked = collectSent(linked);
    const removalsSeenByPrimary: RemovedDeviceNotice[][] = [];
    primary.on('devicesRemoved', (removed) => removalsSeenByPrimary.push(removed));
    const linkedClosed = new Promise<number>((resolve) => linked.onConnectionClosed(resolve));
    // Fresh connections that drain, so that live messages reach every listener from here on.
    await Promise.all([primary, linked].map((client) => client.disconnect()));
    await Promise.all([primary, linked, contact].map(connectAndDrain));

    expect((await contact.send(primary.accountId, 'one')).outcomes).toHaveLength(2);
    await eventually(() => receivedByPrimary.length === 1 && receivedByLinked.length === 1, 'the message on both devices');
    await primary.send(contact.accountId, 'from the phone');
    await linked.send(contact.accountId, 'from the tablet');
    await eventually(
      () => sentSeenByLinked.length === 2 && sentSeenByPrimary.length === 2 && receivedByContact.length === 2,
      'both sends and their transcripts',
    );
    expect(sentSeenByLinked.map(({ text, fromThisDevice, fromDevice }) => [text, fromThisDevice, fromDevice])).toEqual([
      ['from the phone', false, 1],
      ['from the tablet', true, 2],
    ]);
    expect(sentSeenByPrimary.map(({ text, fromThisDevice, fromDevice }) => [text, fromThisDevice, fromDevice])).toEqual([
      ['from the phone', true, 1],
      ['from the tablet', false, 2],
    ]);

    // Something waits in the linked device's mailbox: it stopped taking messages.
    stopLinked();
    await contact.send(primary.accountId, 'two');
    await eventually(async () => (await rowsOf(primary.accountId, 2)).envelopes > 0, 'a message stored for the linked device');
    expect((await rowsOf(primary.accountId, 2)).keys).toBeGreaterThan(0);
    const { refreshToken } = (await linkedStore.load())?.tokens ?? { refreshToken: '' };

    // (3) The primary removes it.
    await primary.removeDevice(2);

    // (4) Its socket closes for good, its token is refused, its mailbox and prekeys are gone.
    expect(await linkedClosed).toBe(wire.CloseCode.CLOSE_CODE_REVOKED);
    await eventually(() => removalsSeenByPrimary.length === 1, 'the primary to hear of the removal');
    expect(removalsSeenByPrimary[0]).toEqual([expect.objectContaining({ deviceId: 2, reason: 'removed' })]);
    expect((await primaryStore.load())?.recipients[primary.accountId]).toEqual([]);
    await expect(new LoginApi(services.gatewayUrl).refresh(refreshToken)).rejects.toMatchObject({ code: ClientErrorCode.Unauthenticated });
    await eventually(async () => {
      const rows = await rowsOf(primary.accountId, 2);
      return rows.envelopes === 0 && rows.keys === 0;
    }, 'its mailbox and prekeys to be purged');

    // The contact still addresses both: the server's correction makes it send to the primary only.
    const report = await contact.send(primary.accountId, 'three');
    expect(report.outcomes.map(({ destinationDevice }) => destinationDevice)).toEqual([1]);
    await eventually(() => receivedByPrimary.length === 3, 'every message on the primary');
    expect(texts(receivedByPrimary)).toEqual(['one', 'two', 'three']);
    expect((await primary.devices()).devices.map(({ deviceId }) => deviceId)).toEqual([1]);
  });

  it('refuses to link into a home that holds an identity, and says when a link code expired', async () => {
    const store = new MemoryClientStore();
    await account(store);
    let shown = false;
    await expect(ComingClient.link({ store, server: services.gatewayUrl }, { onLinkCode: () => (shown = true) })).rejects.toMatchObject({
      code: ClientErrorCode.Identity,
      message: expect.stringMatching(/already holds an identity/),
    });
    expect(shown).toBe(false);

    const empty = new MemoryClientStore();
    const codes: string[] = [];
    await expect(
      ComingClient.link({ store: empty, server: services.gatewayUrl }, { onLinkCode: (code) => codes.push(code) }),
    ).rejects.toMatchObject({
      code: ClientErrorCode.Timeout,
      message: expect.stringMatching(/link code expired before a primary device approved it/),
    });
    expect(codes).toEqual([expect.stringMatching(/^coming-link:/)]);
    expect(await empty.load()).toBeNull();
  });
});
