import type { ComingClient, ReceivedMessage } from '@coming/client';

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
    client.onIdentityChanged((accountId) => process.stderr.write(`warning: the identity key of ${accountId} changed\n`));
    client.onError((error) => process.stderr.write(`warning: ${error.message}\n`));
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
