import { wire } from '@coming/proto';
import { loginMany } from '../../generator/load-fleet';
import { residentBytes } from '../../measure/process-usage';
import type { Attack } from '../attack';
import { ciphertextOf, describeTally, emptySendTally, sendUntilStopped } from '../flood-sends';
import { freshAccounts } from '../fresh-accounts';
import { RawSocket } from '../raw-socket';

const FLOODERS = 3;
// Enough 64 KiB messages in flight to pass what the kernel's socket buffers absorb.
const WINDOW = 24;
const CONTENT_BYTES = 64 * 1024;
const RSS_SAMPLE_MS = 200;

/**
 * A device that stops reading its socket, while three accounts flood it with 64 KiB
 * messages: without backpressure its gateway's memory grows without bound. Expected: live
 * offers fail over to the mailbox once its buffer is full, the socket is closed with 4429,
 * and the recipients' gateway stays within a few MiB of where it was.
 */
export const slowReaderAttack: Attack = {
  name: 'slow-reader',
  description: 'a paused reader flooded with 64 KiB messages (backpressure)',
  async start({ senderUrl, recipientUrl, recipientGatewayPid, addresses }) {
    const [reader] = await loginMany(recipientUrl, 1);
    const socket = await RawSocket.open(recipientUrl, reader!, addresses.take());
    socket.sendFrame({ requestId: 1, uploadKeys: reader!.keys });
    if (!(await socket.waitFor('uploadKeys'))) throw new Error('the slow reader could not publish its keys');
    socket.stopReading();

    const flooders = await freshAccounts(senderUrl, FLOODERS, addresses);
    const rssBefore = residentBytes([recipientGatewayPid]);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, residentBytes([recipientGatewayPid]))), RSS_SAMPLE_MS);
    const tally = emptySendTally();
    let stopped = false;
    const content = ciphertextOf(CONTENT_BYTES);
    const flooding = Promise.all(
      flooders.map((connection) => sendUntilStopped(connection, reader!, content, WINDOW, () => stopped, tally)),
    );
    return {
      async stop() {
        stopped = true;
        await flooding;
        clearInterval(sampler);
        await Promise.all([socket.close(), ...flooders.map((connection) => connection.close())]);
        const closedSlow = socket.closeCode === (wire.CloseCode.CLOSE_CODE_SLOW_READER as number);
        const growthMiB = (rssPeak - rssBefore) / 2 ** 20;
        return {
          summary:
            `flood of the paused reader: ${describeTally(tally)}; reader ${closedSlow ? 'closed with 4429' : `not closed (${socket.closeCode ?? 'open'})`}; ` +
            `recipients' gateway RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB, peak +${growthMiB.toFixed(1)} MiB`,
          figures: { ...tally, closedSlowReader: closedSlow ? 1 : 0, gatewayGrowthMiB: Number(growthMiB.toFixed(1)) },
          honestUnharmed: true,
        };
      },
    };
  },
};
