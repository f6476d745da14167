import type { ComingClient } from '@coming/client';

/** Tells the user, on stderr, what the client noticed that is not a failure of the command. */
export function reportWarnings(client: ComingClient): void {
  client.onIdentityChanged((accountId) => process.stderr.write(`warning: the identity key of ${accountId} changed\n`));
  client.onError((error) => process.stderr.write(`warning: ${error.message}\n`));
}
