import { ComingClient, MemoryClientStore } from '@coming/client';
import { collectMessages, eventually, registeredClient, startTestStack, type TestStack } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MESSAGES_PER_PHASE = 500;
const CONCURRENCY = 10;

interface Disruption {
  /** Starts once this many messages are acknowledged. */
  after: number;
  act: () => Promise<void>;
}

/**
 * Sends `count` numbered messages, `CONCURRENCY` at a time, running each disruption
 * as the acknowledgements pass its mark. Resolves with the texts the sender saw
 * acknowledged, and how many were acknowledged when each disruption had finished:
 * fewer than `count` shows that sending went on across it.
 */
async function sendAll(from: ComingClient, to: string, phase: string, count: number, disruptions: Disruption[]) {
  const acked: string[] = [];
  const ackedWhenRecovered: number[] = [];
  const running: Promise<void>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const text = `${phase}-${next}`;
      next += 1;
      await from.send(to, text, { deadlineMs: 120_000 });
      acked.push(text);
      for (const disruption of disruptions.filter(({ after }) => after === acked.length)) {
        running.push(disruption.act().then(() => void ackedWhenRecovered.push(acked.length)));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await Promise.all(running);
  return { acked, ackedWhenRecovered };
}

// Each test sends hundreds of messages across killed and restarted processes: minutes on a loaded machine.
describe('no loss while services are killed or restarted', { timeout: 300_000 }, () => {
  let stack: TestStack;
  let alice: ComingClient;
  let bob: ComingClient;
  const bobStore = new MemoryClientStore();

  beforeAll(async () => {
    stack = await startTestStack('no-loss', { gateways: 2 });
    alice = await registeredClient(stack.gatewayUrl(0));
    bob = await ComingClient.create({ store: bobStore, server: stack.gatewayUrl(1) });
    await bob.register();
  });

  afterAll(async () => {
    await Promise.all([alice.close(), bob.close()]);
    await stack.release();
  });

  it('delivers every acknowledged message exactly once across SIGKILLed gateways and a SIGKILLed mailbox', async () => {
    const received = collectMessages(bob);
    await bob.connect();

    // Phase 1: both gateways die mid-stream, the recipient's first. Bob reconnects by himself.
    const gatewayPhase = await sendAll(alice, bob.accountId, 'gateway', MESSAGES_PER_PHASE, [
      { after: 50, act: () => stack.gateways[1]!.restart('SIGKILL') },
      { after: 60, act: () => stack.gateways[0]!.restart('SIGKILL') },
    ]);

    // Phase 2: Bob is away, so everything goes through the mailbox, which dies mid-stream.
    await bob.close();
    const mailboxPhase = await sendAll(alice, bob.accountId, 'mailbox', MESSAGES_PER_PHASE, [
      { after: 50, act: () => stack.mailbox.restart('SIGKILL') },
    ]);

    for (const recovered of [...gatewayPhase.ackedWhenRecovered, ...mailboxPhase.ackedWhenRecovered]) {
      expect(recovered).toBeLessThan(MESSAGES_PER_PHASE);
    }
    const acked = [...gatewayPhase.acked, ...mailboxPhase.acked];
    expect(acked).toHaveLength(2 * MESSAGES_PER_PHASE);
    // Bob's app starts again on the same store, so it remembers what it already showed.
    const bobAgain = await ComingClient.open({ store: bobStore, server: stack.gatewayUrl(1) });
    const receivedLater = collectMessages(bobAgain);
    await bobAgain.connect();
    const texts = () => [...received, ...receivedLater].map((message) => message.text);
    await eventually(() => new Set(texts()).size >= acked.length, 'every acknowledged message', 60_000);

    expect(new Set(texts())).toEqual(new Set(acked));
    expect(texts()).toHaveLength(acked.length);
    await bobAgain.close();
  });

  it('delivers every acknowledged message across a rolling restart (SIGTERM) of both gateways, and clients reconnect', async () => {
    const carol = await registeredClient(stack.gatewayUrl(0));
    const dave = await registeredClient(stack.gatewayUrl(1));
    const received = collectMessages(dave);
    const reconnections: number[] = [];
    dave.onConnectionClosed((code) => reconnections.push(code));
    await dave.connect();

    const { acked, ackedWhenRecovered } = await sendAll(carol, dave.accountId, 'rolling', 300, [
      { after: 50, act: () => stack.gateways[1]!.restart('SIGTERM') },
      { after: 150, act: () => stack.gateways[0]!.restart('SIGTERM') },
    ]);

    for (const recovered of ackedWhenRecovered) expect(recovered).toBeLessThan(300);
    await eventually(() => new Set(received.map((message) => message.text)).size >= acked.length, 'every acknowledged message', 60_000);
    expect(received.map((message) => message.text).sort()).toEqual([...acked].sort());
    // Dave was told to reconnect (1012) and did so by himself: the same client received everything.
    expect(reconnections).toContain(1012);
    await Promise.all([carol.close(), dave.close()]);
  });
});
