import { eventually } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceSession } from '../src/delivery/device-session';
import { envelopeFor, hex, InProcessGateway } from './in-process-gateway';

const PAGE_SIZE = 7;
const WINDOW = 10;
const LIVE_ACK_TIMEOUT_MS = 300;
const DRAIN_ACK_TIMEOUT_MS = 3_000;

describe(DeviceSession.name, () => {
  let gateway: InProcessGateway;

  beforeAll(async () => {
    gateway = await InProcessGateway.start('device-session', {
      env: {
        GATEWAY_DRAIN_PAGE_SIZE: String(PAGE_SIZE),
        GATEWAY_DRAIN_WINDOW: String(WINDOW),
        GATEWAY_LIVE_ACK_TIMEOUT_MS: String(LIVE_ACK_TIMEOUT_MS),
        GATEWAY_DRAIN_ACK_TIMEOUT_MS: String(DRAIN_ACK_TIMEOUT_MS),
      },
    });
  });

  afterAll(() => gateway.release());

  it('drains a backlog of many pages in order, then says QueueEmpty once, and deletes what was acknowledged', async () => {
    const device = await gateway.register();
    const backlog = Array.from({ length: PAGE_SIZE * 5 + 3 }, () => envelopeFor(device));
    for (const envelope of backlog) await gateway.store(envelope);

    const socket = await gateway.connect(device);
    socket.acknowledgeAll();
    await eventually(() => socket.queueEmpties === 1, 'QueueEmpty');

    expect(socket.delivered.map((envelope) => hex(envelope.serverGuid))).toEqual(backlog.map((envelope) => hex(envelope.serverGuid)));
    await eventually(async () => (await gateway.storedFor(device)) === 0, 'every acknowledged envelope to be deleted');
    expect(socket.queueEmpties).toBe(1);
  });

  it('pushes no more than the window of unacknowledged envelopes until the device acknowledges', async () => {
    const device = await gateway.register();
    const backlog = Array.from({ length: WINDOW * 2 }, () => envelopeFor(device));
    for (const envelope of backlog) await gateway.store(envelope);

    const socket = await gateway.connect(device);
    await eventually(() => socket.delivered.length === WINDOW, 'a full window');
    // A round trip on the same socket: anything pushed before its answer has arrived by then.
    await socket.request({ ping: {} });
    expect(socket.delivered).toHaveLength(WINDOW);

    await socket.acknowledge(socket.delivered.slice(0, 3));
    await eventually(() => socket.delivered.length === WINDOW + 3, 'three more after three acknowledgements');
    await socket.request({ ping: {} });
    expect(socket.delivered).toHaveLength(WINDOW + 3);
    expect(socket.queueEmpties).toBe(0);
  });

  it('closes an older connection of the device with 4409 and pushes what it left unacknowledged to the new one', async () => {
    const device = await gateway.register();
    const stored = [envelopeFor(device), envelopeFor(device)];
    for (const envelope of stored) await gateway.store(envelope);
    const first = await gateway.connect(device);
    await eventually(() => first.delivered.length === 2, 'the first connection to get both');

    const second = await gateway.connect(device);
    second.acknowledgeAll();

    expect(await first.closed()).toBe(4409);
    await eventually(() => second.queueEmpties === 1, 'the new connection to drain');
    expect(second.delivered.map((envelope) => hex(envelope.serverGuid))).toEqual(stored.map((envelope) => hex(envelope.serverGuid)));
    await eventually(async () => (await gateway.storedFor(device)) === 0, 'the acknowledged copies to be deleted');
  });

  it('recycles a socket with 4408 when drained envelopes stay unacknowledged, and pushes them again on the next one', async () => {
    const device = await gateway.register();
    const stored = envelopeFor(device);
    await gateway.store(stored);
    const silent = await gateway.connect(device);

    expect(await silent.closed()).toBe(4408);
    expect(silent.delivered.map((envelope) => hex(envelope.serverGuid))).toEqual([hex(stored.serverGuid)]);
    expect(silent.queueEmpties).toBe(0);
    const next = await gateway.connect(device);
    next.acknowledgeAll();
    await eventually(() => next.queueEmpties === 1, 'QueueEmpty on the next connection');
    expect(next.delivered.map((envelope) => hex(envelope.serverGuid))).toEqual([hex(stored.serverGuid)]);
  });

  it('declines a live offer the device does not acknowledge in time, so that the sender stores it', async () => {
    const device = await gateway.register();
    const socket = await gateway.connect(device);
    await eventually(() => socket.queueEmpties === 1, 'QueueEmpty');

    const envelope = envelopeFor(device);
    expect(await gateway.offer(envelope)).toBe(false);
    expect(socket.delivered.map((each) => hex(each.serverGuid))).toEqual([hex(envelope.serverGuid)]);
  });

  it('answers a live offer true once the device acknowledges it, and stores nothing', async () => {
    const device = await gateway.register();
    const socket = await gateway.connect(device);
    socket.acknowledgeAll();
    await eventually(() => socket.queueEmpties === 1, 'QueueEmpty');

    expect(await gateway.offer(envelopeFor(device))).toBe(true);
    expect(await gateway.storedFor(device)).toBe(0);
  });

  it('deletes a stored copy whose late live acknowledgement races the drain, and takes duplicate acknowledgements', async () => {
    const device = await gateway.register();
    const socket = await gateway.connect(device);
    await eventually(() => socket.queueEmpties === 1, 'QueueEmpty');

    // The live push times out, so the sender stores the copy; the drain that the stored
    // event starts pushes it a second time.
    const envelope = envelopeFor(device);
    expect(await gateway.offer(envelope)).toBe(false);
    await gateway.store(envelope);
    await eventually(() => socket.delivered.length === 2, 'the stored copy pushed again');

    // The acknowledgement of the live copy arrives late, then the one of the drained copy,
    // then both again in one frame.
    const answers = await Promise.all([
      socket.acknowledge([envelope]),
      socket.acknowledge([envelope]),
      socket.acknowledge([envelope, envelope]),
    ]);
    expect(answers.map((answer) => answer.error)).toEqual([undefined, undefined, undefined]);
    expect(await gateway.storedFor(device)).toBe(0);

    // The drain is not stuck on the copy: a new stored envelope still arrives.
    const next = envelopeFor(device);
    await gateway.store(next);
    await eventually(() => socket.delivered.some((each) => hex(each.serverGuid) === hex(next.serverGuid)), 'the next stored envelope');
  });

  it('keeps retrying the drain while the mailbox is unreachable and delivers once it is back', async () => {
    const device = await gateway.register();
    const stored = [envelopeFor(device), envelopeFor(device), envelopeFor(device)];
    for (const envelope of stored) await gateway.store(envelope);
    await gateway.stopMailbox();
    const socket = await gateway.connect(device);
    socket.acknowledgeAll();
    await socket.request({ ping: {} });
    expect(socket.delivered).toHaveLength(0);

    await gateway.startMailbox();
    await eventually(() => socket.queueEmpties === 1, 'QueueEmpty once the mailbox is back');
    expect(socket.delivered.map((envelope) => hex(envelope.serverGuid))).toEqual(stored.map((envelope) => hex(envelope.serverGuid)));
    await eventually(async () => (await gateway.storedFor(device)) === 0, 'the acknowledged copies to be deleted');
  });
});
