import { ComingClient, MemoryClientStore, type ReceivedMessage, type SentMessage } from '@coming/client';

/** A fresh account with its keys published, offline until it sends or connects. */
export async function registeredClient(server: string, store = new MemoryClientStore()): Promise<ComingClient> {
  const client = await ComingClient.create({ store, server });
  await client.register();
  await client.disconnect();
  return client;
}

/** Collects what a client receives, for assertions. */
export function collectMessages(client: ComingClient): ReceivedMessage[] {
  const received: ReceivedMessage[] = [];
  client.onMessage((message) => {
    received.push(message);
  });
  return received;
}

/** Collects the `sent` events of a client: its own sends, and its other devices' through sync transcripts. */
export function collectSent(client: ComingClient): SentMessage[] {
  const sent: SentMessage[] = [];
  client.on('sent', (message) => sent.push(message));
  return sent;
}

/**
 * Waits until `condition` holds, polling; fails with `what` after the timeout. The default
 * is generous because a loaded machine is slow, and stays under vitest's test timeout so
 * that a failure names what never happened.
 */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Resolves at the client's next QueueEmpty: the server has pushed everything stored for the
 * device, and its gateway has subscribed it to live deliveries and key notices. Call it
 * before whatever opens the connection (connect, register, a first send): the push comes
 * once per connection.
 */
export function nextQueueEmpty(client: ComingClient): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = client.onQueueEmpty(() => {
      stop();
      resolve();
    });
  });
}

/** Connects a client that is not connected yet, and resolves at its QueueEmpty (see nextQueueEmpty). */
export async function connectAndDrain(client: ComingClient): Promise<void> {
  const drained = nextQueueEmpty(client);
  await client.connect();
  await drained;
}

/**
 * A new device of `primary`'s account, linked as a user would: it shows a link code and
 * `primary` approves it. Registered and offline; `primary` keeps the connection the
 * approval opened (disconnect it before waiting for a drain of its own).
 */
export async function linkedClient(primary: ComingClient, server: string, store = new MemoryClientStore()): Promise<ComingClient> {
  let approved: Promise<void> | undefined;
  const client = await ComingClient.link(
    { store, server },
    {
      onLinkCode: (linkCode) => {
        approved = primary.approveLink(linkCode);
      },
    },
  );
  await approved;
  await client.disconnect();
  return client;
}
