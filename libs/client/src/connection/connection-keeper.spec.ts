import { describe, expect, it } from 'vitest';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { ServerLink, TransportEvents } from '../transport/transport';
import { ConnectionKeeper } from './connection-keeper';
import { ServerHealth } from './server-health';

/** Resolves once `condition` holds, looking again on each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe(ConnectionKeeper.name, () => {
  it('keeps the connection a reconnect opened when an earlier attempt, dropped while it was being prepared, fails late', async () => {
    const dialled: TransportEvents[] = [];
    let failFirstPreparation!: (error: Error) => void;
    const keeper = new ConnectionKeeper({
      tokens: { accessToken: async () => 'token', invalidate: () => undefined },
      dial: async (_token, events) => {
        dialled.push(events);
        return { close: async () => undefined } as unknown as ServerLink;
      },
      // The first connection's preparation waits until the test fails it; the others pass.
      prepare: () => (dialled.length === 1 ? new Promise<void>((_resolve, reject) => (failFirstPreparation = reject)) : Promise.resolve()),
      pushes: {} as Omit<TransportEvents, 'onClose'>,
      onClosed: () => undefined,
      onGaveUp: () => undefined,
      wantsConnection: () => true,
      health: new ServerHealth(),
    });

    const first = keeper.connected();
    await until(() => failFirstPreparation !== undefined);
    // The first socket drops mid-preparation: a reconnect opens the second.
    dialled[0]!.onClose(1006, 'gone');
    await until(() => dialled.length === 2);
    await keeper.connected();
    failFirstPreparation(new ClientError(ClientErrorCode.ConnectionLost, 'closed while preparing'));
    await expect(first).rejects.toThrow('closed while preparing');

    await keeper.connected();
    expect(dialled).toHaveLength(2);
    await keeper.close();
  });

  it('says why it stopped reconnecting when trying again cannot help', async () => {
    const refusal = new ClientError(ClientErrorCode.Revoked, 'this device was removed from its account');
    const gaveUp: Error[] = [];
    let dials = 0;
    let dropped!: TransportEvents;
    const keeper = new ConnectionKeeper({
      tokens: { accessToken: async () => 'token', invalidate: () => undefined },
      dial: async (_token, events) => {
        dials += 1;
        if (dials > 1) throw refusal;
        dropped = events;
        return { close: async () => undefined } as unknown as ServerLink;
      },
      prepare: async () => undefined,
      pushes: {} as Omit<TransportEvents, 'onClose'>,
      onClosed: () => undefined,
      onGaveUp: (error) => gaveUp.push(error),
      wantsConnection: () => true,
      health: new ServerHealth(),
    });

    await keeper.connected();
    dropped.onClose(1006, 'gone');
    await until(() => gaveUp.length > 0);
    expect(gaveUp).toEqual([refusal]);
    expect(dials).toBe(2);
    await keeper.close();
  });
});
