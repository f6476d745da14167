import { messaging, wire } from '@coming/proto';
import { eventually } from '@coming/testing';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthLogins } from './auth-logins';
import { DeviceSocket } from './device-socket';
import { type InProcessServices, startInProcessServices } from './in-process-services';

const MAX_IN_FLIGHT = 4;
const FLOOD = 60;
const MAX_BAD_FRAMES = 5;

describe('a client flooding its connection with frames', () => {
  let services: InProcessServices;
  let logins: AuthLogins;

  beforeAll(async () => {
    services = await startInProcessServices('frame-flood', {
      // Long enough that a live push waits for the recipient's acknowledgement, not the clock.
      gatewayEnv: {
        GATEWAY_MAX_IN_FLIGHT_PER_CONNECTION: String(MAX_IN_FLIGHT),
        GATEWAY_LIVE_ACK_TIMEOUT_MS: '60000',
        GATEWAY_MAX_BAD_FRAMES_PER_MINUTE: String(MAX_BAD_FRAMES),
      },
    });
    logins = new AuthLogins(services);
  }, 60_000);

  afterAll(() => services?.release());

  it('gets at most the in-flight limit served at once, while other connections are served', async () => {
    const flooder = await logins.account(1);
    const recipient = await logins.account(1);
    const bystander = await logins.account(1);
    // The recipient holds every live push unacknowledged, so each send stays in service.
    const held = await DeviceSocket.open(services.gatewayUrl, recipient.tokens[0] ?? '', { acknowledging: false });
    const flooding = await DeviceSocket.open(services.gatewayUrl, flooder.tokens[0] ?? '');
    const other = await DeviceSocket.open(services.gatewayUrl, bystander.tokens[0] ?? '');

    const answers = Array.from({ length: FLOOD }, () =>
      flooding.request({
        sendMessage: {
          destinationAccount: recipient.accountId,
          clientMessageId: randomBytes(16),
          clientTimestampMs: Date.now(),
          messages: [
            {
              destinationDevice: 1,
              contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
              content: Buffer.concat([Buffer.from([0x44]), randomBytes(32)]),
            },
          ],
          retryOfRefused: false,
        },
      }),
    );
    await eventually(() => held.delivered.length >= MAX_IN_FLIGHT, 'the first sends to reach the recipient');
    // Another connection is answered meanwhile; by then the flooder's further frames would have been read.
    expect((await other.request({ ping: {} })).ping?.serverTimeMs).toBeGreaterThan(0);
    expect(held.delivered).toHaveLength(MAX_IN_FLIGHT);

    held.acknowledgeAll();
    const responses = await Promise.all(answers);
    expect(responses.map(({ sendMessage }) => sendMessage?.outcomes[0]?.outcome)).toEqual(
      Array.from({ length: FLOOD }, () => wire.DeliveryOutcome.DELIVERY_OUTCOME_DELIVERED),
    );
    for (const socket of [held, flooding, other]) socket.close();
  });

  it('answers each garbage frame, then closes a device that keeps sending them with 1002 and refuses its upgrades for the minute', async () => {
    const flooder = await logins.account(1);
    const bystander = await logins.account(1);
    const socket = new WebSocket(`${services.gatewayUrl}/v1/websocket?receive=false`, {
      headers: { Authorization: `Bearer ${flooder.tokens[0] ?? ''}` },
    });
    const answers: wire.ServerFrame[] = [];
    socket.on('message', (data: Buffer) => answers.push(wire.ServerFrame.decode(data)));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => socket.once('open', resolve));
    const other = await DeviceSocket.open(services.gatewayUrl, bystander.tokens[0] ?? '');

    for (let n = 0; n <= MAX_BAD_FRAMES; n += 1) socket.send(Buffer.from([0x0a, 0xff, 0xff, 0xff]));
    expect(await closed).toBe(wire.CloseCode.CLOSE_CODE_PROTOCOL_ERROR);
    expect(answers.map(({ response }) => response?.error?.code)).toEqual(
      Array.from({ length: MAX_BAD_FRAMES + 1 }, () => wire.ErrorCode.ERROR_CODE_MALFORMED_FRAME),
    );
    // Reconnecting does not reset the budget: the upgrade is refused; other devices are served as before.
    const again = new WebSocket(`${services.gatewayUrl}/v1/websocket?receive=false`, {
      headers: { Authorization: `Bearer ${flooder.tokens[0] ?? ''}` },
    });
    const refusal = await new Promise<{ statusCode?: number; retryAfter?: string }>((resolve) =>
      again.once('unexpected-response', (_request, response) =>
        resolve({ statusCode: response.statusCode, retryAfter: response.headers['retry-after'] }),
      ),
    );
    expect(refusal.statusCode).toBe(429);
    expect(Number(refusal.retryAfter)).toBeGreaterThan(0);
    expect((await other.request({ ping: {} })).ping?.serverTimeMs).toBeGreaterThan(0);
    other.close();
  });
});
