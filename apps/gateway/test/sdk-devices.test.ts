import { ComingClient, MemoryClientStore } from '@coming/client';
import { wire } from '@coming/proto';
import { collectMessages, collectSent, connectAndDrain, eventually, linkedClient, registeredClient } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServices, startInProcessServices } from './in-process-services';

const texts = (messages: { text: string }[]) => messages.map(({ text }) => text);

describe('the SDK with several devices of one account', () => {
  let services: InProcessServices;
  const clients: ComingClient[] = [];

  beforeAll(async () => {
    services = await startInProcessServices('sdk-devices');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await services?.release();
  });

  const account = async () => {
    const client = await registeredClient(services.gatewayUrl);
    clients.push(client);
    return client;
  };

  /** Another device of `primary`'s account: today, the same mnemonic restored in another store. */
  const secondDevice = async (primary: ComingClient) => {
    const client = await ComingClient.create({ store: new MemoryClientStore(), server: services.gatewayUrl }, primary.mnemonic);
    await client.register();
    await client.disconnect();
    clients.push(client);
    return client;
  };

  it("copies a device's send to the account's other device, and the contact's reply reaches both", async () => {
    const deviceA = await account();
    const deviceB = await secondDevice(deviceA);
    const contact = await account();
    const receivedByA = collectMessages(deviceA);
    const receivedByB = collectMessages(deviceB);
    const receivedByContact = collectMessages(contact);
    const sentByA = collectSent(deviceA);
    const sentSeenByB = collectSent(deviceB);
    for (const client of [deviceA, deviceB, contact]) await connectAndDrain(client);

    const report = await deviceA.send(contact.accountId, 'hello from A');
    expect(report.outcomes.map(({ outcome }) => outcome)).toEqual([wire.DeliveryOutcome.DELIVERY_OUTCOME_DELIVERED]);
    await eventually(() => receivedByContact.length === 1 && sentSeenByB.length === 1, 'the message and its transcript');
    expect(texts(receivedByContact)).toEqual(['hello from A']);
    expect(sentByA).toEqual([expect.objectContaining({ to: contact.accountId, text: 'hello from A', fromThisDevice: true })]);
    // One history from one event: B sees the same message, marked as sent by A.
    expect(sentSeenByB).toEqual([{ ...sentByA[0], fromThisDevice: false }]);
    // A transcript is no message from a contact.
    expect(receivedByA).toEqual([]);
    expect(receivedByB).toEqual([]);

    await contact.send(deviceA.accountId, 'reply');
    await eventually(() => receivedByA.length === 1 && receivedByB.length === 1, 'the reply on both devices');
    expect([texts(receivedByA), texts(receivedByB)]).toEqual([['reply'], ['reply']]);
    expect(receivedByA[0]?.from).toBe(contact.accountId);
  });

  it('adopts a device the recipient added mid-conversation, without losing the message that found it', async () => {
    const alice = await account();
    const bob = await account();
    const receivedByBob = collectMessages(bob);
    await connectAndDrain(bob);
    await alice.send(bob.accountId, 'one');
    await eventually(() => receivedByBob.length === 1, 'the first message');

    const bobsNewDevice = await secondDevice(bob);
    const receivedByNewDevice = collectMessages(bobsNewDevice);
    await connectAndDrain(bobsNewDevice);
    // Alice still knows one device of Bob's: the server refuses her list, she adopts its
    // correction and sends again, to both.
    const report = await alice.send(bob.accountId, 'two');
    expect(report.outcomes).toHaveLength(2);
    await eventually(() => receivedByBob.length === 2 && receivedByNewDevice.length === 1, 'the second message on both devices');
    expect(texts(receivedByBob)).toEqual(['one', 'two']);
    expect(texts(receivedByNewDevice)).toEqual(['two']);
  });

  it('drops a device the recipient removed mid-conversation, without losing the message that found it gone', async () => {
    const alice = await account();
    const bob = await account();
    const bobsTablet = await linkedClient(bob, services.gatewayUrl);
    clients.push(bobsTablet);
    const receivedByBob = collectMessages(bob);
    const receivedByTablet = collectMessages(bobsTablet);
    const removalsSeenByBob: number[] = [];
    bob.on('devicesRemoved', (removed) => removalsSeenByBob.push(...removed.map(({ deviceId }) => deviceId)));
    await bob.disconnect();
    await Promise.all([bob, bobsTablet].map(connectAndDrain));
    expect((await alice.send(bob.accountId, 'one')).outcomes).toHaveLength(2);
    await eventually(() => receivedByBob.length === 1 && receivedByTablet.length === 1, 'the first message on both devices');

    const tablet = (await bob.devices()).devices.find((device) => !device.thisDevice);
    await bob.removeDevice(tablet?.deviceId ?? 0);
    await eventually(() => removalsSeenByBob.includes(tablet?.deviceId ?? 0), 'Bob to hear of the removal');
    // Alice still knows two devices of Bob's: the server refuses her list, she drops the
    // tablet and sends again, to Bob's phone alone.
    const report = await alice.send(bob.accountId, 'two');
    expect(report.outcomes.map(({ destinationDevice }) => destinationDevice)).toEqual([1]);
    await eventually(() => receivedByBob.length === 2, 'the second message');
    expect(texts(receivedByBob)).toEqual(['one', 'two']);
    expect(texts(receivedByTablet)).toEqual(['one']);
  });
});
