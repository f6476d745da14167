import type { Attack } from '../attack';
import { connectDevice, freshAccounts } from '../fresh-accounts';
import { ciphertextOf, describeTally, emptySendTally, sendOnce, sendUntilStopped, untilDefended } from '../flood-sends';
import { setTimeout as sleep } from 'node:timers/promises';

const SYBILS = 4;
const WINDOW = 4;
const CONTENT_BYTES = 4 * 1024;
const HONEST_SENDS = 4;
const HONEST_SPACING_MS = 600;

/**
 * Several accounts fill an offline user's mailbox, each until the server refuses it, so
 * that the user's contacts could no longer reach it. Expected: each sender is held to its
 * share of the mailbox (MAILBOX_MAX_ENVELOPES_PER_SENDER), and an honest contact's messages
 * to the same user are still stored.
 */
export const mailboxFillAttack: Attack = {
  name: 'mailbox-fill',
  description: "accounts fill an offline user's mailbox (per-sender quota, atomic cap)",
  async start({ senderUrl, addresses, sender, offline }) {
    const sybils = await freshAccounts(senderUrl, SYBILS, addresses);
    const tally = emptySendTally();
    let stopped = false;
    const content = ciphertextOf(CONTENT_BYTES);
    const filling = Promise.all(sybils.map((connection) => sendUntilStopped(connection, offline, content, WINDOW, () => stopped, tally)));
    // The honest sender writes to the offline user from a second, send-only socket of its device.
    const honestSocket = await connectDevice(senderUrl, sender.device, addresses, false);
    const honest = emptySendTally();
    const honestSends = (async () => {
      for (let n = 0; n < HONEST_SENDS; n += 1) {
        await sleep(HONEST_SPACING_MS);
        await sendOnce(honestSocket, offline, ciphertextOf(200), honest);
      }
    })();
    return {
      async stop() {
        await honestSends;
        await untilDefended(() => tally.refused > 0);
        stopped = true;
        await filling;
        await Promise.all([honestSocket, ...sybils].map((connection) => connection.close()));
        return {
          summary: `${SYBILS} accounts flooding one offline device: ${describeTally(tally)}; an honest contact's messages to it: ${describeTally(honest)}`,
          figures: { ...tally, honestStored: honest.stored, honestRefused: honest.refused },
          honestUnharmed: honest.stored === HONEST_SENDS,
        };
      },
    };
  },
};
