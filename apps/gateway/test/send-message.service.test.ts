import type { AccessClaims } from '@coming/access-token';
import { subjectPatterns, subjects } from '@coming/broker';
import { createGrpcClient, type DeadlineClient, GrpcStatus, grpcServices, withDeadline } from '@coming/grpc';
import { createMnemonic } from '@coming/identity';
import { events, type mailbox as mailboxApi, messaging, wire } from '@coming/proto';
import { eventually } from '@coming/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendMessageError, SendMessageErrorCode } from '../src/messages/messages.errors';
import { SendMessageService } from '../src/messages/send-message.service';
import { AuthLogins } from './auth-logins';
import { DeviceSocket } from './device-socket';
import { type InProcessServices, startInProcessServices } from './in-process-services';

const MAILBOX_CAPACITY = 3;
const { DELIVERY_OUTCOME_DELIVERED, DELIVERY_OUTCOME_STORED, DELIVERY_OUTCOME_REFUSED } = wire.DeliveryOutcome;
const { REFUSAL_REASON_UNSPECIFIED, REFUSAL_REASON_MAILBOX_FULL } = wire.RefusalReason;

/** Looks like a Signal message to the server, which cannot tell more. */
const ciphertext = () => Buffer.concat([Buffer.from([0x44]), randomBytes(48)]);

const sendRequest = (to: string, devices: number[], overrides: Partial<wire.SendMessageRequest> = {}): wire.SendMessageRequest => ({
  destinationAccount: to,
  clientMessageId: randomBytes(16),
  clientTimestampMs: Date.now(),
  messages: devices.map((destinationDevice) => ({
    destinationDevice,
    contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
    content: ciphertext(),
  })),
  retryOfRefused: false,
  ...overrides,
});

const outcome = (destinationDevice: number, deliveryOutcome: wire.DeliveryOutcome, refusalReason = REFUSAL_REASON_UNSPECIFIED) => ({
  destinationDevice,
  outcome: deliveryOutcome,
  refusalReason,
});

describe(SendMessageService.name, () => {
  let services: InProcessServices;
  let service: SendMessageService;
  let mailbox: DeadlineClient<mailboxApi.MailboxServiceClient>;
  let logins: AuthLogins;
  let sender: AccessClaims;

  const recipient = (devices: number) => logins.account(devices);
  const login = (mnemonic: string) => logins.login(mnemonic);

  const stored = async (accountId: string, deviceId: number) =>
    (await mailbox.fetch({ accountId, deviceId, afterSequence: 0, limit: 100 })).envelopes.map(({ envelope }) => envelope);

  /** Fills a device's mailbox to its capacity, as a long-absent device's would be. */
  const fill = async (accountId: string, deviceId: number) => {
    for (let index = 0; index < MAILBOX_CAPACITY; index += 1) {
      const response = await service.send(sender, sendRequest(accountId, [deviceId], { retryOfRefused: true }));
      expect(response.outcomes).toEqual([outcome(deviceId, DELIVERY_OUTCOME_STORED)]);
    }
  };

  beforeAll(async () => {
    services = await startInProcessServices('send-message', {
      mailboxEnv: { MAILBOX_MAX_ENVELOPES_PER_DEVICE: String(MAILBOX_CAPACITY) },
      gatewayEnv: { GATEWAY_LIVE_ACK_TIMEOUT_MS: '300' },
    });
    service = services.gateway.app.get(SendMessageService);
    mailbox = withDeadline(
      createGrpcClient(grpcServices.mailbox, { url: services.targets.mailbox, serviceToken: services.infrastructure.serviceToken }),
      5_000,
    );
    logins = new AuthLogins(services);
    const { accountId, deviceId } = await login(createMnemonic());
    sender = { accountId, deviceId };
  }, 60_000);

  afterAll(() => services?.release());

  it('delivers live to a device that acknowledges, and stores for one that is away', async () => {
    const { accountId, tokens } = await recipient(2);
    const online = await DeviceSocket.open(services.gatewayUrl, tokens[0] ?? '');
    const request = sendRequest(accountId, [1, 2]);
    const response = await service.send(sender, request);
    expect(response.outcomes).toEqual([outcome(1, DELIVERY_OUTCOME_DELIVERED), outcome(2, DELIVERY_OUTCOME_STORED)]);
    expect(online.delivered.map(({ envelope }) => Buffer.from(envelope?.content ?? []))).toEqual([
      Buffer.from(request.messages[0]?.content ?? []),
    ]);
    expect(await stored(accountId, 1)).toEqual([]);
    expect((await stored(accountId, 2)).map((envelope) => Buffer.from(envelope?.content ?? []))).toEqual([
      Buffer.from(request.messages[1]?.content ?? []),
    ]);
    online.close();
  });

  it('stores the copy of a device that is connected but does not acknowledge in time', async () => {
    const { accountId, tokens } = await recipient(1);
    const silent = await DeviceSocket.open(services.gatewayUrl, tokens[0] ?? '', { acknowledging: false });
    const response = await service.send(sender, sendRequest(accountId, [1]));
    expect(response.outcomes).toEqual([outcome(1, DELIVERY_OUTCOME_STORED)]);
    expect(silent.delivered).toHaveLength(1);
    expect(await stored(accountId, 1)).toHaveLength(1);
    silent.close();
  });

  it("refuses only the copy whose mailbox is full, and delivers the other device's", async () => {
    const { accountId } = await recipient(2);
    await fill(accountId, 2);
    const request = sendRequest(accountId, [1, 2]);
    const response = await service.send(sender, request);
    expect(response.outcomes).toEqual([
      outcome(1, DELIVERY_OUTCOME_STORED),
      outcome(2, DELIVERY_OUTCOME_REFUSED, REFUSAL_REASON_MAILBOX_FULL),
    ]);
    expect((await stored(accountId, 1)).map((envelope) => Buffer.from(envelope?.content ?? []))).toEqual([
      Buffer.from(request.messages[0]?.content ?? []),
    ]);
    expect(await stored(accountId, 2)).toHaveLength(MAILBOX_CAPACITY);
  });

  it('takes a resend of refused copies that leaves out the devices that have theirs, but not one naming a stranger', async () => {
    const { accountId } = await recipient(2);
    const response = await service.send(sender, sendRequest(accountId, [2], { retryOfRefused: true }));
    expect(response.outcomes).toEqual([outcome(2, DELIVERY_OUTCOME_STORED)]);
    await expect(service.send(sender, sendRequest(accountId, [2, 9], { retryOfRefused: true }))).rejects.toMatchObject({
      code: SendMessageErrorCode.DeviceMismatch,
      details: { missingDevices: [], extraDevices: [9] },
    });
  });

  it('names the missing and extra devices of a request that does not match the recipient', async () => {
    const { accountId } = await recipient(2);
    await expect(service.send(sender, sendRequest(accountId, [1, 5]))).rejects.toMatchObject({
      code: SendMessageErrorCode.DeviceMismatch,
      details: { missingDevices: [2], extraDevices: [5] },
    });
  });

  it("expects a send to one's own account to address every device of it but the sending one", async () => {
    const { accountId, mnemonic } = await recipient(2);
    const { deviceId } = await login(mnemonic);
    const self = { accountId, deviceId };
    await expect(service.send(self, sendRequest(accountId, [1, 2, deviceId]))).rejects.toMatchObject({
      code: SendMessageErrorCode.DeviceMismatch,
      details: { missingDevices: [], extraDevices: [deviceId] },
    });
    await expect(service.send(self, sendRequest(accountId, [1]))).rejects.toMatchObject({
      code: SendMessageErrorCode.DeviceMismatch,
      details: { missingDevices: [2], extraDevices: [] },
    });
    const response = await service.send(self, sendRequest(accountId, [1, 2]));
    expect(response.outcomes).toEqual([outcome(1, DELIVERY_OUTCOME_STORED), outcome(2, DELIVERY_OUTCOME_STORED)]);
  });

  it('stores a resent message once', async () => {
    const { accountId } = await recipient(1);
    const request = sendRequest(accountId, [1]);
    expect((await service.send(sender, request)).outcomes).toEqual([outcome(1, DELIVERY_OUTCOME_STORED)]);
    expect((await service.send(sender, request)).outcomes).toEqual([outcome(1, DELIVERY_OUTCOME_STORED)]);
    expect(await stored(accountId, 1)).toHaveLength(1);
  });

  it('takes an upper-case account ID as the same account, and refuses mixed case naming the field', async () => {
    const { accountId } = await recipient(1);
    const response = await service.send(sender, sendRequest(accountId.toUpperCase(), [1]));
    expect(response.outcomes).toEqual([outcome(1, DELIVERY_OUTCOME_STORED)]);
    expect((await stored(accountId, 1))[0]?.destinationAccount).toBe(accountId);
    const mixed = `${accountId.slice(0, 10).toUpperCase()}${accountId.slice(10)}`;
    await expect(service.send(sender, sendRequest(mixed, [1]))).rejects.toMatchObject({
      code: SendMessageErrorCode.InvalidArgument,
      message: expect.stringMatching(/destination_account .*mixes upper and lower case/),
    });
  });

  describe('with device lists cached', () => {
    it('checks a mismatch with auth again before refusing it, in case the cached list is stale', async () => {
      const { accountId, mnemonic } = await recipient(1);
      await service.send(sender, sendRequest(accountId, [1]));
      await login(mnemonic);
      const response = await service.send(sender, sendRequest(accountId, [1, 2]));
      expect(response.outcomes).toEqual([outcome(1, DELIVERY_OUTCOME_STORED), outcome(2, DELIVERY_OUTCOME_STORED)]);
    });

    it("drops an account's cached list when auth announces that its devices changed", async () => {
      const { accountId, mnemonic } = await recipient(1);
      await service.send(sender, sendRequest(accountId, [1]));
      await login(mnemonic);
      await services.infrastructure.broker.publish(
        subjects.devicesChanged(accountId),
        events.DevicesChanged.encode({ accountId, deviceIds: [1, 2], removed: [] }).finish(),
      );
      // Once the event is in, a send that leaves out the new device is refused.
      await eventually(
        async () =>
          (await service.send(sender, sendRequest(accountId, [1])).catch((error: SendMessageError) => error.code)) ===
          SendMessageErrorCode.DeviceMismatch,
        'the cached device list to be dropped',
      );
    });

    // Last: it stops auth.
    it('serves sends to a known recipient from the cache while auth is down', async () => {
      // Auth announces the new device as it becomes a recipient; that announcement drops a
      // cached list, so the list is cached only once it has arrived (on the broker
      // connection the gateway's cache listens on).
      const announced = new Set<string>();
      const subscription = services.infrastructure.broker.subscribe(subjectPatterns.devicesChanged, ({ data }) => {
        announced.add(events.DevicesChanged.decode(data).accountId);
      });
      const { accountId } = await recipient(1);
      await eventually(() => announced.has(accountId), 'auth to announce the recipient device');
      subscription.unsubscribe();
      await service.send(sender, sendRequest(accountId, [1]));
      await services.stopAuth();
      expect((await service.send(sender, sendRequest(accountId, [1]))).outcomes).toEqual([outcome(1, DELIVERY_OUTCOME_STORED)]);
      // A mismatch is checked with auth, which cannot answer now: the sender is told to retry.
      await expect(service.send(sender, sendRequest(accountId, [1, 2]))).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    });
  });
});
