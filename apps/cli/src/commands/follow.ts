import type { Account, Subscriber } from '../account/account';
import { LocalAccount } from '../account/local-account';
import type { CommandContext } from '../command-context';
import { defaultSocketOf } from '../daemon/daemon-file';
import { HomeServer } from '../daemon/home-server';
import { SubscriptionHub } from '../daemon/subscription-hub';

/** What a following command shows; `finish` ends it early (listen --count). */
export type Follower = (finish: () => void) => Omit<Subscriber, 'ended'>;

/**
 * Subscribes to the account and waits until the follower finishes, the deadline passes or
 * Ctrl-C. A home held in this process (no daemon runs) is served meanwhile as the daemon
 * serves it, so that commands run beside it (send, request, pay) go through this process:
 * a second process would load the sealed state as it was, and each would overwrite what the
 * other added, such as a session the other needs to read its next message.
 */
export async function follow(
  context: CommandContext,
  account: Account,
  follower: Follower,
  { max, deadline }: { max?: number; deadline?: number } = {},
): Promise<void> {
  const { io } = context;
  const hub = new SubscriptionHub();
  const server = account instanceof LocalAccount ? await serveHome(context, account, hub) : undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((finish, fail) => {
      if (deadline !== undefined) timer = setTimeout(finish, deadline - Date.now());
      io.interrupted.addEventListener('abort', () => finish(), { once: true });
      const own = follower(finish);
      const shared = hub.subscriber(fail);
      const subscriber: Subscriber =
        server === undefined
          ? { ...own, ended: fail }
          : {
              message: (message) => [own, shared].forEach((each) => each.message(message)),
              payment: (event) => [own, shared].forEach((each) => each.payment(event)),
              caughtUp: () => [own, shared].forEach((each) => each.caughtUp()),
              devicesRemoved: (removed) => [own, shared].forEach((each) => each.devicesRemoved(removed)),
              ended: fail,
            };
      account.subscribe(subscriber, { ...(max === undefined ? {} : { max }), ...(deadline === undefined ? {} : { deadline }) }).catch(fail);
    });
  } finally {
    clearTimeout(timer);
    await server?.stop();
  }
}

async function serveHome(context: CommandContext, account: Account, hub: SubscriptionHub): Promise<HomeServer | undefined> {
  const { home } = context.location();
  try {
    return await HomeServer.start(defaultSocketOf(home), home, account, hub);
  } catch (error) {
    // Following still works; only commands run beside it fall back to a process of their own.
    context.io.stderr.write(`warning: other commands on this home cannot go through this one: ${(error as Error).message}\n`);
    return undefined;
  }
}
