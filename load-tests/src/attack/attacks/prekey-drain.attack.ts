import { wire } from '@coming/proto';
import { generatePreKey } from '@coming/signal';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadConnection } from '../../generator/load-connection';
import type { Attack } from '../attack';
import { untilDefended } from '../flood-sends';
import { connectDevice, freshAccounts } from '../fresh-accounts';

const DRAINERS = 12;
const WINDOW = 2;
const ONE_TIME_PRE_KEYS = 30;
const NEW_CONTACTS = 4;
const NEW_CONTACT_SPACING_MS = 700;
const KEYS_TIMEOUT_MS = 15_000;

/**
 * Fresh accounts fetch the honest recipient's prekey bundles as fast as they are answered,
 * to use up its one-time prekeys and starve new contacts. Expected: each requester is held
 * to its budget, and a new contact still gets a valid bundle once the one-time prekeys are
 * gone (signed prekey and last-resort Kyber key), never an error.
 */
export const prekeyDrainAttack: Attack = {
  name: 'prekey-drain',
  description: "fresh accounts fetch a user's prekey bundles to drain them (fetch budgets, bundles without one-time keys)",
  async start({ senderUrl, recipientUrl, addresses, recipient }) {
    const stock = Array.from({ length: ONE_TIME_PRE_KEYS }, (_, index) => generatePreKey(1_000 + index));
    // The recipient's own device tops up its stock, over a second, send-only socket.
    const owner = await connectDevice(recipientUrl, recipient, addresses, false);
    const upload = await owner.request(
      { uploadKeys: { ...recipient.keys, oneTimePreKeys: stock.map(({ id, keyPair }) => ({ keyId: id, publicKey: keyPair.publicKey })) } },
      KEYS_TIMEOUT_MS,
    );
    await owner.close();
    if (upload.error !== undefined) throw new Error(`the honest recipient could not upload one-time prekeys: ${upload.error.message}`);

    const drainers = await freshAccounts(senderUrl, DRAINERS, addresses);
    const contacts = await freshAccounts(senderUrl, NEW_CONTACTS, addresses);
    const tally = { withOneTimeKey: 0, withoutOneTimeKey: 0, rateLimited: 0, failed: 0 };
    const fetchOnce = async (connection: LoadConnection) => {
      const response = await connection
        .request({ getPreKeyBundles: { accountId: recipient.accountId } }, KEYS_TIMEOUT_MS)
        .catch(() => undefined);
      const bundle = response?.getPreKeyBundles?.devices[0];
      if (bundle !== undefined) tally[bundle.oneTimePreKey === undefined ? 'withoutOneTimeKey' : 'withOneTimeKey'] += 1;
      else if (response?.error?.code === wire.ErrorCode.ERROR_CODE_RATE_LIMITED) tally.rateLimited += 1;
      else tally.failed += 1;
      return bundle;
    };
    let stopped = false;
    const draining = Promise.all(
      drainers.flatMap((connection) =>
        Array.from({ length: WINDOW }, async () => {
          while (!stopped) await fetchOnce(connection);
        }),
      ),
    );
    // Honest newcomers, one after another while the drain runs: each must get a bundle.
    const served = { bundles: 0, refused: 0 };
    const newcomers = (async () => {
      for (const contact of contacts) {
        await sleep(NEW_CONTACT_SPACING_MS);
        const response = await contact.request({ getPreKeyBundles: { accountId: recipient.accountId } }, KEYS_TIMEOUT_MS);
        if (response.getPreKeyBundles?.devices[0]?.signedPreKey !== undefined) served.bundles += 1;
        else served.refused += 1;
      }
    })();
    return {
      async stop() {
        await newcomers;
        await untilDefended(() => tally.withoutOneTimeKey > 0 && tally.rateLimited > 0);
        stopped = true;
        await draining;
        await Promise.all([...drainers, ...contacts].map((connection) => connection.close()));
        return {
          summary:
            `${DRAINERS} drainers got ${tally.withOneTimeKey} bundles with a one-time prekey (of ${ONE_TIME_PRE_KEYS}), ` +
            `${tally.withoutOneTimeKey} without, ${tally.rateLimited} rate-limited, ${tally.failed} failed; ` +
            `honest new contacts served ${served.bundles}/${NEW_CONTACTS}`,
          figures: { ...tally, newContactsServed: served.bundles, newContactsRefused: served.refused },
          honestUnharmed: served.bundles === NEW_CONTACTS,
        };
      },
    };
  },
};
