import { type keys, MAX_ACKS_PER_FRAME, wire } from '@coming/proto';
import WebSocket from 'ws';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { DeviceRequest } from '../devices/device-request';
import type { ServerLink, TransportEvents } from './transport';

type ResponseBody = Omit<wire.Response, 'requestId' | 'error'>;

const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** One authenticated WebSocket to a gateway, with requests matched to responses by ID. */
export class ServerConnection implements ServerLink {
  private readonly pending = new Map<number, { resolve(body: ResponseBody): void; reject(error: ClientError): void }>();
  private nextRequestId = 1;

  private constructor(private readonly socket: WebSocket) {}

  /** With `receive` false the server pushes nothing and leaves the device's other connection alone. */
  static connect(serverUrl: string, accessToken: string, handlers: TransportEvents, receive = true): Promise<ServerConnection> {
    const url = `${serverUrl.replace(/\/+$/, '')}/v1/websocket${receive ? '' : '?receive=false'}`;
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${accessToken}` }, handshakeTimeout: CONNECT_TIMEOUT_MS });
    const connection = new ServerConnection(socket);
    socket.on('message', (data: Buffer) => connection.onFrame(data, handlers));
    // A socket that never opened closes too (1006, after its error): that is a failed connect,
    // already reported by the rejection below, not a lost connection to reconnect from. Each
    // failed attempt taken for a loss started another reconnect loop, and a listener spun.
    let opened = false;
    socket.on('close', (code, reason) => {
      connection.failPending(code, reason.toString());
      if (opened) handlers.onClose(code, reason.toString());
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        opened = true;
        resolve(connection);
      });
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          const code = response.statusCode === 401 ? ClientErrorCode.Unauthenticated : ClientErrorCode.ServerUnreachable;
          reject(new ClientError(code, `gateway refused the connection (HTTP ${response.statusCode}): ${body}`));
        });
      });
      socket.once('error', (error) => {
        reject(
          new ClientError(ClientErrorCode.ServerUnreachable, `cannot connect to ${url}: ${error.message}`, undefined, { cause: error }),
        );
      });
    });
  }

  async send(sendMessage: wire.SendMessageRequest): Promise<wire.DeviceOutcome[]> {
    return (await this.request({ sendMessage })).sendMessage?.outcomes ?? [];
  }

  async acknowledge(serverGuids: Uint8Array[]): Promise<void> {
    for (let start = 0; start < serverGuids.length; start += MAX_ACKS_PER_FRAME) {
      await this.request({ acknowledge: { serverGuids: serverGuids.slice(start, start + MAX_ACKS_PER_FRAME) } });
    }
  }

  async bundles(accountId: string): Promise<keys.Bundles> {
    const { getPreKeyBundles } = await this.request({ getPreKeyBundles: { accountId } });
    if (getPreKeyBundles === undefined) throw new ClientError(ClientErrorCode.Rejected, `the server returned no keys for ${accountId}`);
    return getPreKeyBundles;
  }

  async preKeyCount(): Promise<keys.PreKeyCount> {
    return (await this.request({ getPreKeyCount: {} })).getPreKeyCount ?? { ecPreKeys: 0, kyberPreKeys: 0 };
  }

  async uploadKeys(uploadKeys: wire.UploadKeysRequest): Promise<void> {
    await this.request({ uploadKeys });
  }

  readonly requestDevices: DeviceRequest = (body) => this.request(body);

  readonly requestChain: DeviceRequest = (body) => this.request(body);

  /** Sends a request and resolves with the server's answer; an error frame rejects as REJECTED. */
  private request(body: Omit<wire.ClientFrame, 'requestId'>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ResponseBody> {
    const requestId = this.nextRequestId;
    this.nextRequestId = (this.nextRequestId % 0xffff_fffe) + 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ClientError(ClientErrorCode.Timeout, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, {
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(wire.ClientFrame.encode({ requestId, ...body }).finish());
    });
  }

  /** Resolves once the server has seen the close, so it no longer routes messages here. */
  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.socket.close(1000, 'client closing');
    return closed;
  }

  private onFrame(data: Buffer, handlers: TransportEvents) {
    let frame: wire.ServerFrame;
    try {
      frame = wire.ServerFrame.decode(data);
    } catch {
      // 1002 is the protocol-error close; the reconnect logic takes it from there.
      this.socket.close(1002, 'undecodable server frame');
      return;
    }
    if (frame.deliver?.envelope !== undefined) handlers.onDeliver(frame.deliver.envelope);
    else if (frame.queueEmpty !== undefined) handlers.onQueueEmpty();
    else if (frame.keysLow?.count !== undefined) handlers.onKeysLow(frame.keysLow.count);
    else if (frame.devicesRemoved !== undefined) handlers.onDevicesRemoved(frame.devicesRemoved.removed);
    else if (frame.paymentStatus !== undefined) handlers.onPaymentStatus(frame.paymentStatus);
    else if (frame.xbtcTransferStatus !== undefined) handlers.onXbtcTransferStatus(frame.xbtcTransferStatus);
    else if (frame.response !== undefined) this.onResponse(frame.response);
  }

  private onResponse({ requestId, error, ...body }: wire.Response) {
    const waiter = this.pending.get(requestId);
    this.pending.delete(requestId);
    if (waiter === undefined) return;
    if (error === undefined) waiter.resolve(body);
    else waiter.reject(new ClientError(ClientErrorCode.Rejected, `server refused the request: ${error.message}`, error));
  }

  private failPending(code: number, reason: string) {
    const error = closeError(code, reason);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** What a close means for the requests it cut off: only a lost connection is worth retrying. */
function closeError(code: number, reason: string): ClientError {
  switch (code) {
    case wire.CloseCode.CLOSE_CODE_DISPLACED as number:
      return new ClientError(ClientErrorCode.Displaced, 'another connection of this device took over');
    case wire.CloseCode.CLOSE_CODE_REVOKED as number:
      return new ClientError(ClientErrorCode.Revoked, `this device was revoked${reason === '' ? '' : ` (${reason})`}`);
    default:
      return new ClientError(ClientErrorCode.ConnectionLost, `connection closed (${code}${reason === '' ? '' : `: ${reason}`})`);
  }
}
