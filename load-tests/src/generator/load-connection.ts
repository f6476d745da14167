import { messaging, wire } from '@coming/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { LoadDevice } from './load-account';

const RECONNECT_DELAY_MS = 200;

/** The socket closed or could not be opened while a request was waiting: retry it. */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
}

export interface LoadConnectionOptions {
  /** Gateway base URL, ws://host:port. */
  serverUrl: string;
  device: LoadDevice;
  /** Source address on loopback. */
  localAddress: string;
  /** Called for each pushed envelope; the connection acknowledges it right after. */
  onDeliver?: (envelope: messaging.Envelope) => void;
  onQueueEmpty?: () => void;
  /** Open again by itself after the server closed the socket (a gateway restart), until close(). */
  reconnect?: boolean;
  /** False for a send-only socket: no pushes, and it does not displace the device's receiving one. */
  receive?: boolean;
}

interface Waiting {
  resolve: (response: wire.Response) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One device's WebSocket speaking the protobuf frames directly: requests with IDs and
 * their responses, and pushed envelopes, each acknowledged at once. No SDK, no store,
 * no Signal sessions: the generator stays cheap so that the server is what is measured.
 */
export class LoadConnection {
  private socket: WebSocket | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextRequestId = 1;
  private closing = false;
  private reopening = false;

  constructor(private readonly options: LoadConnectionOptions) {}

  /** Resolves once the socket is open. */
  async open(): Promise<void> {
    const socket = new WebSocket(`${this.options.serverUrl}/v1/websocket${this.options.receive === false ? '?receive=false' : ''}`, {
      headers: { Authorization: `Bearer ${this.options.device.accessToken}` },
      localAddress: this.options.localAddress,
      perMessageDeflate: false,
    });
    socket.binaryType = 'nodebuffer';
    this.socket = socket;
    socket.on('message', (data: Buffer) => this.receive(data));
    socket.on('close', () => this.lost(socket));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
  }

  /** Sends one request and resolves with its response; rejects on timeout or a lost socket. */
  request(frame: Omit<wire.ClientFrame, 'requestId'>, timeoutMs: number): Promise<wire.Response> {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ConnectionLostError('not connected'));
    }
    const requestId = this.nextRequestId;
    this.nextRequestId = this.nextRequestId >= 0xffff_fff0 ? 1 : this.nextRequestId + 1;
    return new Promise<wire.Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new ConnectionLostError(`no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(requestId, { resolve, reject, timer });
      socket.send(wire.ClientFrame.encode({ requestId, ...frame }).finish());
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.close(1000);
    await closed;
  }

  private receive(data: Buffer) {
    const frame = wire.ServerFrame.decode(data);
    if (frame.response !== undefined) {
      const waiting = this.waiting.get(frame.response.requestId);
      if (waiting === undefined) return;
      this.waiting.delete(frame.response.requestId);
      clearTimeout(waiting.timer);
      waiting.resolve(frame.response);
    } else if (frame.deliver?.envelope !== undefined) {
      const envelope = frame.deliver.envelope;
      this.options.onDeliver?.(envelope);
      // A lost acknowledgement only means a redelivery, which the ledger counts.
      this.request({ acknowledge: { serverGuids: [envelope.serverGuid] } }, 30_000).catch(() => undefined);
    } else if (frame.queueEmpty !== undefined) {
      this.options.onQueueEmpty?.();
    }
  }

  private lost(socket: WebSocket) {
    if (socket !== this.socket) return;
    for (const [requestId, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new ConnectionLostError('the socket closed'));
      this.waiting.delete(requestId);
    }
    if (!this.closing && !this.reopening && this.options.reconnect === true) void this.reopen();
  }

  private async reopen(): Promise<void> {
    this.reopening = true;
    try {
      while (!this.closing) {
        await sleep(RECONNECT_DELAY_MS);
        if (this.closing) return;
        try {
          await this.open();
          return;
        } catch {
          // The gateway is still down: try again after the delay.
        }
      }
    } finally {
      this.reopening = false;
    }
  }
}
