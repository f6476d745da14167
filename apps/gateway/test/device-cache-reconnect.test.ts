import type { AccessClaims } from '@coming/access-token';
import { NatsBroker } from '@coming/broker';
import { createMnemonic } from '@coming/identity';
import { messaging, wire } from '@coming/proto';
import { eventually, findFreePorts } from '@coming/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendMessageErrorCode } from '../src/messages/messages.errors';
import { SendMessageService } from '../src/messages/send-message.service';
import { AuthLogins } from './auth-logins';
import { type InProcessServices, startInProcessServices } from './in-process-services';

/** A NATS server of this test's own, so that it can be killed and started again on the same port. */
const startNats = async (port: number): Promise<ChildProcess> => {
  const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await eventually(() => log.includes('Server is ready'), 'nats-server to start');
  return server;
};

describe('the gateway device-list cache across a broker reconnect', () => {
  let natsPort: number;
  let nats: ChildProcess;
  let broker: NatsBroker;
  let services: InProcessServices;
  let logins: AuthLogins;
  let service: SendMessageService;

  beforeAll(async () => {
    natsPort = await findFreePorts(1);
    nats = await startNats(natsPort);
    broker = await NatsBroker.connect({ url: `nats://127.0.0.1:${natsPort}`, subjectPrefix: '', name: 'gateway-under-test' });
    services = await startInProcessServices('device-cache-reconnect', { gatewayBroker: broker });
    logins = new AuthLogins(services);
    service = services.gateway.app.get(SendMessageService);
  }, 60_000);

  afterAll(async () => {
    await services?.release();
    await broker?.close();
    nats?.kill('SIGKILL');
  });

  it('drops every cached list when the broker connection comes back, since events may have been missed', async () => {
    const { accountId: senderAccount, deviceId } = await logins.login(createMnemonic());
    const sender: AccessClaims = { accountId: senderAccount, deviceId };
    const recipient = await logins.account(1);
    const send = (devices: number[]) =>
      service.send(sender, {
        destinationAccount: recipient.accountId,
        clientMessageId: randomBytes(16),
        clientTimestampMs: Date.now(),
        messages: devices.map((destinationDevice) => ({
          destinationDevice,
          contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
          content: Buffer.concat([Buffer.from([0x44]), randomBytes(32)]),
        })),
        retryOfRefused: false,
      });
    await send([1]);
    // A second device whose announcement this gateway never hears (it is on another broker):
    // the cached list still says [1], so a send that leaves the new device out goes through.
    await logins.login(recipient.mnemonic);
    expect((await send([1])).outcomes[0]?.outcome).toBe(wire.DeliveryOutcome.DELIVERY_OUTCOME_STORED);

    nats.kill('SIGKILL');
    await once(nats, 'exit');
    nats = await startNats(natsPort);
    await eventually(
      async () => (await send([1]).catch((error: { code?: string }) => error.code)) === SendMessageErrorCode.DeviceMismatch,
      'the cache to be dropped after the reconnect',
    );
  });
});
