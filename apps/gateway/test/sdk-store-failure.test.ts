import { ClientError, ClientErrorCode, ComingClient, FileClientStore } from '@coming/client';
import { wire } from '@coming/proto';
import { collectMessages, connectAndDrain, eventually, registeredClient } from '@coming/testing';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServices, startInProcessServices } from './in-process-services';

const { DELIVERY_OUTCOME_STORED } = wire.DeliveryOutcome;

describe('the SDK with a store that cannot save', () => {
  let services: InProcessServices;
  let home: string;

  beforeAll(async () => {
    services = await startInProcessServices('sdk-store-failure');
    home = await mkdtemp(join(tmpdir(), 'coming-store-failure-'));
  }, 60_000);

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
    await services?.release();
  });

  it('reports STORE_FAILED once and stops receiving, leaving the message on the server for the next run', async () => {
    const options = { store: new FileClientStore(home), server: services.gatewayUrl };
    const bob = await ComingClient.create(options);
    await bob.register();
    await bob.disconnect();
    const alice = await registeredClient(services.gatewayUrl);

    // The state file's place is taken by a folder: every save of this store now fails, as
    // on a full or read-only disk, whoever runs the test.
    const stateFile = join(home, 'state.json');
    const savedState = await readFile(stateFile);
    await rm(stateFile);
    await mkdir(join(stateFile, 'in-the-way'), { recursive: true });

    const errors: Error[] = [];
    bob.onError((error) => errors.push(error));
    const received = collectMessages(bob);
    await connectAndDrain(bob);
    // Bob reads the message but cannot save that he did, so he does not acknowledge it: it is stored.
    expect((await alice.send(bob.accountId, 'kept')).outcomes.map(({ outcome }) => outcome)).toEqual([DELIVERY_OUTCOME_STORED]);
    await eventually(() => errors.length > 0, 'the store failure to be reported');
    expect(errors).toEqual([
      expect.objectContaining({
        code: ClientErrorCode.StoreFailed,
        message: expect.stringMatching(/could not save the client state: .*stopped receiving/),
      }),
    ]);
    expect(received.map(({ text }) => text)).toEqual(['kept']);

    // Stopped, not looping: no reconnect, no redelivery, and no second report.
    await expect(bob.connect()).rejects.toBeInstanceOf(ClientError);
    expect((await alice.send(bob.accountId, 'later')).outcomes.map(({ outcome }) => outcome)).toEqual([DELIVERY_OUTCOME_STORED]);
    expect(errors).toHaveLength(1);
    await expect(bob.close()).rejects.toMatchObject({ code: ClientErrorCode.StoreFailed });

    // With the store repaired, the next run gets both messages from the server.
    await rm(stateFile, { recursive: true });
    await writeFile(stateFile, savedState);
    const bobAgain = await ComingClient.open(options);
    const receivedAgain = collectMessages(bobAgain);
    await connectAndDrain(bobAgain);
    await eventually(() => receivedAgain.length === 2, 'both messages on the next run');
    expect(receivedAgain.map(({ text }) => text)).toEqual(['kept', 'later']);
    await Promise.all([alice.close(), bobAgain.close()]);
  });
});
