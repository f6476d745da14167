import { eventually } from '@coming/testing';
import { wire } from '@coming/proto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex, InProcessGateway } from './in-process-gateway';

const MAX_BUFFERED_BYTES = 256 * 1024;
const MESSAGE_BYTES = 200 * 1024;
// Well past what loopback's kernel buffers absorb, so that the gateway has to hold the rest.
const MESSAGES = 100;
const CONCURRENT_SENDS = 10;

describe('a device that stops reading', () => {
  let gateway: InProcessGateway;

  beforeAll(async () => {
    gateway = await InProcessGateway.start('slow-reader', {
      env: {
        GATEWAY_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
        GATEWAY_SLOW_READER_TIMEOUT_MS: '3000',
        GATEWAY_LIVE_ACK_TIMEOUT_MS: '1000',
        // Pages of ten 200 KiB envelopes stay under gRPC's 4 MiB message cap.
        GATEWAY_DRAIN_PAGE_SIZE: '10',
      },
    });
  });

  afterAll(() => gateway.release());

  it('meets backpressure: bounded buffers, every send answered as stored, the stuck socket closed, all delivered after reconnecting', async () => {
    const [alice, bob] = [await gateway.register(), await gateway.register()];
    const reader = await gateway.connect(bob);
    await eventually(() => reader.queueEmpties === 1, 'QueueEmpty');
    (reader.socket as unknown as { _socket: Socket })._socket.pause();
    const sender = await gateway.connect(alice, { receive: false });
    const rssBefore = process.memoryUsage().rss;

    let mostBuffered = 0;
    const watch = setInterval(() => (mostBuffered = Math.max(mostBuffered, gateway.sessions.bufferedBytes)), 5);
    const outcomes: (wire.DeliveryOutcome | string)[] = [];
    for (let sent = 0; sent < MESSAGES; sent += CONCURRENT_SENDS) {
      const answers = await Promise.all(Array.from({ length: CONCURRENT_SENDS }, () => sender.sendTo(bob, MESSAGE_BYTES)));
      outcomes.push(...answers.map((answer) => answer.sendMessage?.outcomes[0]?.outcome ?? answer.error?.message ?? 'no answer'));
    }
    clearInterval(watch);
    console.log(
      `slow reader: ${MESSAGES} x ${MESSAGE_BYTES} B sent; most buffered ${mostBuffered} B (bound ${MAX_BUFFERED_BYTES} B); ` +
        `test process RSS grew ${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1)} MiB`,
    );

    expect(outcomes).toEqual(Array.from({ length: MESSAGES }, () => wire.DeliveryOutcome.DELIVERY_OUTCOME_STORED));
    // One frame may go out past the bound before the socket counts as congested.
    expect(mostBuffered).toBeLessThan(MAX_BUFFERED_BYTES + MESSAGE_BYTES + 4096);

    // The stuck socket is closed on the server side, freeing what it held.
    await eventually(() => gateway.sessions.size === 0, 'the stuck socket to be closed', 20_000);
    expect(gateway.sessions.bufferedBytes).toBe(0);
    (reader.socket as unknown as { _socket: Socket })._socket.resume();
    expect(await reader.closed()).not.toBe(wire.CloseCode.CLOSE_CODE_DISPLACED);

    // Nothing was lost: reconnecting, the device drains every message, at the pace it reads.
    const stored = await gateway.storedFor(bob);
    expect(stored).toBe(MESSAGES);
    const again = await gateway.connect(bob);
    again.acknowledgeAll();
    await eventually(() => again.queueEmpties === 1, 'QueueEmpty after the backlog', 60_000);
    expect(new Set(again.delivered.map((envelope) => hex(envelope.serverGuid))).size).toBe(MESSAGES);
    await eventually(async () => (await gateway.storedFor(bob)) === 0, 'the drained messages to be deleted');
  });
});
