import { wire } from '@coming/proto';
import WebSocket from 'ws';
import type { LoadDevice } from '../generator/load-account';

/**
 * An attacker's WebSocket: it writes whatever bytes it likes without waiting for answers,
 * may stop reading altogether, and tallies what the server sent back by kind.
 */
export class RawSocket {
  /** Server frames received, by kind: an error code's name, a response kind, or a push. */
  readonly received = new Map<string, number>();
  closeCode: number | undefined;
  /** The HTTP status of a refused upgrade. */
  refusedWith: number | undefined;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.tally(data));
    socket.on('close', (code) => {
      this.closeCode = code;
      this.waiters.forEach((wake) => wake());
    });
    socket.on('error', () => undefined);
    socket.on('unexpected-response', (request, response) => {
      this.refusedWith = response.statusCode;
      this.closeCode = 1006;
      request.destroy();
      this.waiters.forEach((wake) => wake());
    });
  }

  /**
   * Opens a socket of `device`; resolves once open, or once the server closed it at once.
   * A send-only socket (`receive` false) gets no pushes and displaces nobody.
   */
  static async open(serverUrl: string, device: LoadDevice, localAddress: string, receive = true): Promise<RawSocket> {
    const socket = new WebSocket(`${serverUrl}/v1/websocket${receive ? '' : '?receive=false'}`, {
      headers: { Authorization: `Bearer ${device.accessToken}` },
      localAddress,
      perMessageDeflate: false,
    });
    socket.binaryType = 'nodebuffer';
    const raw = new RawSocket(socket);
    await new Promise<void>((resolve) => {
      socket.once('open', () => resolve());
      socket.once('close', () => resolve());
      socket.once('error', () => resolve());
      socket.once('unexpected-response', () => resolve());
    });
    return raw;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Bytes written but not yet taken by the kernel: the attacker's own backlog. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(frame: Uint8Array): void {
    if (this.open) this.socket.send(frame);
  }

  sendFrame(frame: wire.ClientFrame): void {
    this.send(wire.ClientFrame.encode(frame).finish());
  }

  /** Stops reading: the server's writes pile up in its buffer for this socket. */
  stopReading(): void {
    this.socket.pause();
  }

  /** Resolves true once a frame of `kind` arrived, false if the socket closed first. */
  waitFor(kind: string): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.count(kind) === 0 && this.closeCode === undefined) return;
        this.waiters.delete(check);
        resolve(this.count(kind) > 0);
      };
      this.waiters.add(check);
      check();
    });
  }

  count(kind: string): number {
    return this.received.get(kind) ?? 0;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED || this.refusedWith !== undefined) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    // A paused socket would never read the close handshake: drop it.
    this.socket.terminate();
    await closed;
  }

  private tally(data: Buffer) {
    const frame = wire.ServerFrame.decode(data);
    const kind =
      frame.response?.error !== undefined
        ? wire.errorCodeToJSON(frame.response.error.code)
        : frame.response !== undefined
          ? (Object.keys(frame.response).find((key) => key !== 'requestId' && frame.response![key as keyof wire.Response] !== undefined) ??
            'response')
          : (Object.keys(frame).find((key) => frame[key as keyof wire.ServerFrame] !== undefined) ?? 'unknown');
    this.received.set(kind, this.count(kind) + 1);
    this.waiters.forEach((wake) => wake());
  }
}
