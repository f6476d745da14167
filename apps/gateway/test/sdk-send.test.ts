import { ClientError, ComingClient, MemoryClientStore } from '@coming/client';
import { wire } from '@coming/proto';
import { collectMessages, connectAndDrain, eventually, registeredClient } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServices, startInProcessServices } from './in-process-services';

const MAILBOX_CAPACITY = 2;

/** A send-only SDK client with its keys published. */
const sendOnlyClient = async (server: string) => {
  const client = await ComingClient.create({ store: new MemoryClientStore(), server, receive: false });
  await client.register();
  return client;
};

describe('the SDK sending through the gateway', () => {
  describe('when a backend refuses the gateway for good', () => {
    let services: InProcessServices;

    beforeAll(async () => {
      services = await startInProcessServices('sdk-permanent', { mailboxRefusesGateway: true });
    }, 60_000);

    afterAll(() => services?.release());

    it('fails at once with INTERNAL, saying nothing of the backend, instead of retrying until the deadline', async () => {
      const sender = await sendOnlyClient(services.gatewayUrl);
      const recipient = await sendOnlyClient(services.gatewayUrl);
      // The recipient is offline, so the copy goes to the mailbox, which refuses the gateway's token.
      const failure = await sender.send(recipient.accountId, 'hello', { deadlineMs: 10 * 60_000 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ClientError);
      expect((failure as ClientError).serverError).toMatchObject({ code: wire.ErrorCode.ERROR_CODE_INTERNAL, message: 'internal error' });
      await Promise.all([sender.close(), recipient.close()]);
    });
  });

  describe("when one of the recipient's devices has a full mailbox", () => {
    let services: InProcessServices;

    beforeAll(async () => {
      services = await startInProcessServices('sdk-refused', {
        mailboxEnv: { MAILBOX_MAX_ENVELOPES_PER_DEVICE: String(MAILBOX_CAPACITY) },
      });
    }, 60_000);

    afterAll(() => services?.release());

    it('delivers to the other device, reports the refusal, and resends only the refused copy once there is room', async () => {
      const sender = await registeredClient(services.gatewayUrl);
      const present = await registeredClient(services.gatewayUrl);
      const awayStore = new MemoryClientStore();
      const away = await ComingClient.create({ store: awayStore, server: services.gatewayUrl }, present.mnemonic);
      await away.register();
      await away.disconnect();
      const receivedByPresent = collectMessages(present);
      await connectAndDrain(present);

      const { DELIVERY_OUTCOME_DELIVERED, DELIVERY_OUTCOME_STORED, DELIVERY_OUTCOME_REFUSED } = wire.DeliveryOutcome;
      for (const text of ['one', 'two']) {
        expect((await sender.send(present.accountId, text)).outcomes.map(({ outcome }) => outcome)).toEqual([
          DELIVERY_OUTCOME_DELIVERED,
          DELIVERY_OUTCOME_STORED,
        ]);
      }
      const report = await sender.send(present.accountId, 'three');
      expect(report.outcomes).toEqual([
        { destinationDevice: 1, outcome: DELIVERY_OUTCOME_DELIVERED, refusalReason: wire.RefusalReason.REFUSAL_REASON_UNSPECIFIED },
        { destinationDevice: 2, outcome: DELIVERY_OUTCOME_REFUSED, refusalReason: wire.RefusalReason.REFUSAL_REASON_MAILBOX_FULL },
      ]);
      expect(receivedByPresent.map(({ text }) => text)).toEqual(['one', 'two', 'three']);

      // The away device reads its mailbox; the sender's client resends the refused copy alone.
      const receivedByAway = collectMessages(away);
      await connectAndDrain(away);
      await eventually(() => receivedByAway.length === 3, 'the refused copy to be resent');
      expect(receivedByAway.map(({ text }) => text)).toEqual(['one', 'two', 'three']);
      expect(receivedByPresent).toHaveLength(3);
      await Promise.all([sender.close(), present.close(), away.close()]);
    });
  });
});
