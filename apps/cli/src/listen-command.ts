import type { ComingClient, ReceivedMessage } from '@coming/client';
import { reportWarnings } from './report-warnings';

export interface ListenOptions {
  count: number | undefined;
  timeoutSeconds: number | undefined;
  json: boolean;
}

/** Prints messages as they arrive until `count` have, the timeout passes, or Ctrl-C. */
export async function listen(client: ComingClient, { count, timeoutSeconds, json }: ListenOptions): Promise<void> {
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    const timer = timeoutSeconds === undefined ? undefined : setTimeout(resolve, timeoutSeconds * 1000);
    process.once('SIGINT', () => resolve());
    client.onMessage(
      (message) => {
        received += 1;
        process.stdout.write(`${json ? JSON.stringify(toJson(message)) : toLine(message)}\n`);
        if (received === count) {
          clearTimeout(timer);
          resolve();
        }
      },
      count === undefined ? {} : { max: count },
    );
    reportWarnings(client);
    // On stderr, so that --json output stays clean: from now on messages arrive live, which
    // is what a script (or a test) starting a listener in the background waits for.
    client.onQueueEmpty(() => process.stderr.write('listening: caught up with stored messages\n'));
    client.connect().catch(reject);
  });
  try {
    await done;
  } finally {
    await client.close();
  }
}

function toJson(message: ReceivedMessage) {
  return {
    from: message.from,
    fromDevice: message.fromDevice,
    text: message.text,
    sentAt: new Date(message.sentAt).toISOString(),
    receivedAt: new Date(message.receivedAt).toISOString(),
    serverGuid: message.serverGuid,
  };
}

function toLine(message: ReceivedMessage): string {
  return `${new Date(message.sentAt).toISOString()} ${message.from}: ${message.text}`;
}
