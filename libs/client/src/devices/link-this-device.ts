import { LinkedIdentity } from '../identity/linked-identity';
import { ensureNoIdentity } from '../identity/stored-identity';
import { StateKeeper } from '../state-keeper';
import type { ClientStore } from '../store/client-store';
import { requestLinkCode } from './link-request';

export interface LinkOptions {
  /** Called once with the link code to show (as text and as a QR code), and when it stops working. */
  onLinkCode: (linkCode: string, expiresAt: Date) => void;
  /** Gives up waiting for approval (a deadline, Ctrl-C): the link code stops working and nothing is stored. */
  signal?: AbortSignal;
}

/**
 * The new device's side of linking, up to a stored identity: shows a link code, waits for
 * a primary to approve it, and keeps what the primary sent in the store in place of a
 * mnemonic. Stored before the first login, so that a login that fails (too many devices,
 * the server away) can be tried again with `open` and `register`.
 */
export async function linkThisDevice(store: ClientStore, server: string, { onLinkCode, signal }: LinkOptions) {
  await ensureNoIdentity(store);
  signal?.throwIfAborted();
  const request = await requestLinkCode(server);
  try {
    onLinkCode(request.linkCode, request.expiresAt);
  } catch (error) {
    request.cancel();
    throw error;
  }
  const cancel = () => request.cancel();
  if (signal?.aborted === true) cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  request.linked.finally(() => signal?.removeEventListener('abort', cancel)).catch(() => undefined);
  const identity = new LinkedIdentity(await request.linked);
  // Minutes may have passed: another run in this home must not be overwritten.
  await ensureNoIdentity(store);
  const keeper = new StateKeeper({ accountId: identity.accountId, linked: identity.toState(), recipients: {}, seen: [] }, store);
  await keeper.save();
  return { keeper, identity };
}
