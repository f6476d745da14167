import { messaging, wire } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { LoadDevice } from '../../generator/load-account';
import { loginMany } from '../../generator/load-fleet';
import type { Attack } from '../attack';
import { ciphertextOf } from '../flood-sends';
import { RawSocket } from '../raw-socket';

const FLOODERS = 4;
// The flooder writes while its own unsent backlog stays below this, then waits for the kernel.
const MAX_BACKLOG_BYTES = 512 * 1024;
const FRAMES_PER_TURN = 64;
const OVERSIZED_FRAME_BYTES = 300 * 1024;
const RECONNECT_PAUSE_MS = 100;

/**
 * Sockets that write frames as fast as the kernel takes them, without waiting for answers:
 * garbage bytes, frames over the size limit, key-count requests and sends to an offline
 * accomplice (each a mailbox write), opening a new socket whenever one is closed.
 * Expected: each connection's frames in service are bounded, so the flooder waits on
 * itself; sends are rate-limited per device; bad frames get error frames until the
 * connection is closed with 1002 and its device's upgrades are refused with HTTP 429 for
 * the rest of the minute, so garbage costs the attacker its device for a while.
 */
export const frameFloodAttack: Attack = {
  name: 'frame-flood',
  description: 'frames written without waiting: garbage, oversized, sends (in-flight bound, rate limits)',
  async start({ senderUrl, addresses }) {
    const [sink, ...flooderDevices] = await loginMany(senderUrl, FLOODERS + 1);
    const sinkSocket = await RawSocket.open(senderUrl, sink!, addresses.take());
    sinkSocket.sendFrame({ requestId: 1, uploadKeys: sink!.keys });
    if (!(await sinkSocket.waitFor('uploadKeys'))) throw new Error('the accomplice could not publish its keys');
    await sinkSocket.close();

    const content = ciphertextOf(1_000);
    const frames: Uint8Array[] = [
      randomBytes(200),
      wire.ClientFrame.encode({ requestId: 2, getPreKeyCount: {} }).finish(),
      randomBytes(OVERSIZED_FRAME_BYTES),
    ];
    const sendTo = (requestId: number) =>
      wire.ClientFrame.encode({
        requestId,
        sendMessage: {
          destinationAccount: sink!.accountId,
          clientMessageId: randomBytes(16),
          clientTimestampMs: Date.now(),
          retryOfRefused: false,
          messages: [{ destinationDevice: sink!.deviceId, contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE, content }],
        },
      }).finish();
    const sockets: RawSocket[] = [];
    let stopped = false;
    let written = 0;
    // A determined attacker opens a new socket whenever the gateway closes one (a tenth of a
    // second apart: a flood of connections is another attack).
    const pump = async (device: LoadDevice) => {
      for (let attempt = 0; !stopped; attempt += 1) {
        if (attempt > 0) await sleep(RECONNECT_PAUSE_MS);
        const socket = await RawSocket.open(senderUrl, device, addresses.take(), false);
        sockets.push(socket);
        for (let turn = 0; !stopped && socket.open; turn += 1) {
          if (socket.bufferedAmount > MAX_BACKLOG_BYTES) {
            await sleep(5);
            continue;
          }
          for (let n = 0; n < FRAMES_PER_TURN; n += 1) {
            socket.send(n % 4 === 3 ? sendTo(turn * FRAMES_PER_TURN + n) : frames[n % 4]!);
            written += 1;
          }
          await yieldToLoop();
        }
      }
    };
    const pumping = Promise.all(flooderDevices.map(pump));
    return {
      async stop() {
        stopped = true;
        await pumping;
        await Promise.all(sockets.map((socket) => socket.close()));
        const total = (kind: string) => sockets.reduce((sum, socket) => sum + socket.count(kind), 0);
        const figures = {
          framesWritten: written,
          sendsAnswered: total('sendMessage'),
          rateLimited: total('ERROR_CODE_RATE_LIMITED'),
          malformed: total('ERROR_CODE_MALFORMED_FRAME') + total('ERROR_CODE_UNKNOWN_FRAME_TYPE'),
          tooLarge: total('ERROR_CODE_FRAME_TOO_LARGE'),
          closedForBadFrames: sockets.filter((socket) => socket.closeCode === (wire.CloseCode.CLOSE_CODE_PROTOCOL_ERROR as number)).length,
          refusedAtUpgrade: sockets.filter((socket) => socket.refusedWith === 429).length,
        };
        return {
          summary:
            `${figures.framesWritten} frames written over ${sockets.length} sockets of ${FLOODERS} devices; answered: ${figures.sendsAnswered} sends, ` +
            `${figures.rateLimited} rate-limited, ${figures.malformed} malformed, ${figures.tooLarge} too large; ` +
            `${figures.closedForBadFrames} sockets closed with 1002, ${figures.refusedAtUpgrade} upgrades refused with HTTP 429`,
          figures,
          honestUnharmed: true,
        };
      },
    };
  },
};
