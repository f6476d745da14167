import { wire } from '@coming/proto';
import type { Attributes } from '@opentelemetry/api';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { GatewayMetrics } from '../gateway.metrics';
import { encodeServerFrame, frameTypeOf } from './frame-codec';

export interface DeviceSocketLimits {
  /** Bytes queued towards the device above which nothing more is pushed. */
  maxBufferedBytes: number;
  /** How long the queue may stay above the bound before the socket is closed. */
  slowReaderTimeoutMs: number;
}

// A stuck reader will not read its close frame either: after this long the socket is cut,
// so that its buffer is freed at once rather than after ws's 30-second close timeout.
const STUCK_CLOSE_GRACE_MS = 1_000;

/**
 * One client's WebSocket, with backpressure. ws queues whatever it is given, so a device
 * that stops reading would grow the gateway without bound; here pushes stop once the
 * socket's queue passes a bound, resume when it drains, and a socket that stays over the
 * bound too long is closed with 4429.
 */
export class DeviceSocket {
  private readonly writableWaiters = new Set<() => void>();
  private stuckTimer: NodeJS.Timeout | undefined;
  // ws has no 'drain' event of its own; its TCP socket does.
  private readonly transport: Socket | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: DeviceSocketLimits,
    private readonly metrics: GatewayMetrics,
  ) {
    this.transport = (socket as unknown as { _socket?: Socket })._socket;
    this.transport?.on('drain', () => this.checkBuffer());
    socket.once('close', () => {
      clearTimeout(this.stuckTimer);
      this.wakeWriters();
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Bytes queued in this process towards the device, not yet taken by the kernel. */
  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  /** Over the bound: push nothing more until the device reads. */
  get congested(): boolean {
    return this.bufferedBytes >= this.limits.maxBufferedBytes;
  }

  /**
   * Writes a frame whatever the queue holds. For answers to the device's own requests,
   * which it paces itself; pushes go through `push`.
   */
  send(frame: wire.ServerFrame, attributes: Attributes = { type: frameTypeOf(frame) }): void {
    if (!this.isOpen) return;
    this.metrics.framesSent.add(1, attributes);
    this.socket.send(encodeServerFrame(frame));
    this.checkBuffer();
  }

  /**
   * Writes frames in one corked burst, so that a page goes out in few TCP writes, and
   * stops once the queue is over its bound. Returns how many were written.
   */
  push(frames: wire.ServerFrame[]): number {
    let written = 0;
    this.transport?.cork();
    try {
      while (written < frames.length && this.isOpen && !this.congested) {
        this.send(frames[written] as wire.ServerFrame);
        written += 1;
      }
    } finally {
      this.transport?.uncork();
    }
    return written;
  }

  /** Resolves once pushing may resume: the queue drained below its bound, or the socket closed. */
  writable(): Promise<void> {
    if (!this.congested || !this.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.add(resolve));
  }

  close(code: wire.CloseCode, reason: string): void {
    this.socket.close(code, reason);
  }

  private checkBuffer() {
    if (this.congested) {
      this.stuckTimer ??= setTimeout(() => this.closeStuck(), this.limits.slowReaderTimeoutMs);
      return;
    }
    clearTimeout(this.stuckTimer);
    this.stuckTimer = undefined;
    this.wakeWriters();
  }

  private closeStuck() {
    this.metrics.slowReaders.add(1);
    this.close(wire.CloseCode.CLOSE_CODE_SLOW_READER, 'not reading: reconnect and read');
    setTimeout(() => this.socket.terminate(), STUCK_CLOSE_GRACE_MS).unref();
  }

  private wakeWriters() {
    for (const wake of this.writableWaiters) wake();
    this.writableWaiters.clear();
  }
}
