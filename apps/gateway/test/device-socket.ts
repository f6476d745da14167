import { wire } from '@coming/proto';
import WebSocket from 'ws';

/** A device's raw WebSocket, for tests that need to see or withhold what a client would do. */
export class DeviceSocket {
  readonly delivered: wire.Deliver[] = [];
  /** Payment statuses the gateway pushed, in arrival order. */
  readonly paymentStatuses: NonNullable<wire.ServerFrame['paymentStatus']>[] = [];
  /** X-BTC transfer statuses the gateway pushed, in arrival order. */
  readonly xbtcTransferStatuses: NonNullable<wire.ServerFrame['xbtcTransferStatus']>[] = [];
  private xbtcWaiters: (() => boolean)[] = [];
  private readonly answers = new Map<number, (response: wire.Response) => void>();
  private nextRequestId = 1;

  private constructor(
    readonly socket: WebSocket,
    /** Whether pushed envelopes are acknowledged, as a client does once it has stored them. */
    private acknowledging: boolean,
  ) {}

  /** Opens the socket and resolves once the gateway has pushed everything stored (QueueEmpty). */
  static open(gatewayUrl: string, accessToken: string, { acknowledging = true } = {}): Promise<DeviceSocket> {
    const socket = new WebSocket(`${gatewayUrl}/v1/websocket`, { headers: { Authorization: `Bearer ${accessToken}` } });
    const device = new DeviceSocket(socket, acknowledging);
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.on('message', (data: Buffer) => {
        if (device.onFrame(wire.ServerFrame.decode(data))) resolve(device);
      });
    });
  }

  request(body: Omit<wire.ClientFrame, 'requestId'>): Promise<wire.Response> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      this.answers.set(requestId, resolve);
      this.socket.send(wire.ClientFrame.encode({ requestId, ...body }).finish());
    });
  }

  /** Resolves with the first pushed X-BTC transfer status, already here or still to come, that matches. */
  xbtcTransferStatus(
    matches: (status: NonNullable<wire.ServerFrame['xbtcTransferStatus']>) => boolean,
  ): Promise<NonNullable<wire.ServerFrame['xbtcTransferStatus']>> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.xbtcTransferStatuses.find(matches);
        if (found !== undefined) resolve(found);
        return found !== undefined;
      };
      if (!check()) this.xbtcWaiters.push(check);
    });
  }

  /** Acknowledges everything pushed so far, and from now on each envelope as it comes. */
  acknowledgeAll() {
    this.acknowledging = true;
    for (const { envelope } of this.delivered) if (envelope !== undefined) void this.acknowledge(envelope.serverGuid);
  }

  close() {
    this.socket.close();
  }

  private acknowledge(serverGuid: Uint8Array) {
    return this.request({ acknowledge: { serverGuids: [serverGuid] } });
  }

  /** True on QueueEmpty. */
  private onFrame(frame: wire.ServerFrame): boolean {
    if (frame.deliver?.envelope !== undefined) {
      this.delivered.push(frame.deliver);
      if (this.acknowledging) void this.acknowledge(frame.deliver.envelope.serverGuid);
    }
    if (frame.paymentStatus !== undefined) this.paymentStatuses.push(frame.paymentStatus);
    if (frame.xbtcTransferStatus !== undefined) {
      this.xbtcTransferStatuses.push(frame.xbtcTransferStatus);
      this.xbtcWaiters = this.xbtcWaiters.filter((waiter) => !waiter());
    }
    if (frame.response !== undefined) {
      this.answers.get(frame.response.requestId)?.(frame.response);
      this.answers.delete(frame.response.requestId);
    }
    return frame.queueEmpty !== undefined;
  }
}
