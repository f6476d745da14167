import { wire } from '@coming/proto';
import { generateAccountKey, loginDevice } from '../../generator/load-account';
import { loginMany } from '../../generator/load-fleet';
import { mapConcurrently } from '../../generator/map-concurrently';
import type { Attack } from '../attack';
import { RawSocket } from '../raw-socket';

const SOCKETS_PER_DEVICE = 30;
const DEVICES_OF_ONE_ACCOUNT = 12;
const SOCKETS_PER_ACCOUNT_DEVICE = 5;
const OPEN_CONCURRENCY = 16;

/**
 * Many send-only sockets with one device's token, and many over the devices of one
 * account, all held open (a second receiving socket would only displace the first), to exhaust a gateway's memory and file descriptors. Expected: sockets past
 * the per-device and per-account caps are closed with 4430.
 */
export const socketFloodAttack: Attack = {
  name: 'socket-flood',
  description: 'sockets held open with one token and over one account (per-device and per-account caps)',
  async start({ recipientUrl, addresses }) {
    const [device] = await loginMany(recipientUrl, 1);
    const key = generateAccountKey();
    const devices = await mapConcurrently(Array.from({ length: DEVICES_OF_ONE_ACCOUNT }), 4, () => loginDevice(recipientUrl, key));
    const tokens = [
      ...Array.from({ length: SOCKETS_PER_DEVICE }, () => device!),
      ...devices.flatMap((each) => Array.from({ length: SOCKETS_PER_ACCOUNT_DEVICE }, () => each)),
    ];
    const sockets = await mapConcurrently(tokens, OPEN_CONCURRENCY, (each) => RawSocket.open(recipientUrl, each, addresses.take(), false));
    return {
      async stop() {
        const capped = sockets.filter((socket) => socket.closeCode === (wire.CloseCode.CLOSE_CODE_TOO_MANY_CONNECTIONS as number)).length;
        const stillOpen = sockets.filter((socket) => socket.open).length;
        await Promise.all(sockets.map((socket) => socket.close()));
        return {
          summary: `${sockets.length} sockets opened (${SOCKETS_PER_DEVICE} with one token, ${DEVICES_OF_ONE_ACCOUNT * SOCKETS_PER_ACCOUNT_DEVICE} over one account's ${DEVICES_OF_ONE_ACCOUNT} devices): ${capped} closed with 4430, ${stillOpen} held`,
          figures: { opened: sockets.length, closedTooMany: capped, held: stillOpen },
          honestUnharmed: true,
        };
      },
    };
  },
};
