import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

interface Line {
  id?: number | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** A JSON-RPC 2.0 client on a daemon's socket, as a script would write one: one JSON object a line. */
export class RpcPeer {
  private nextId = 1;
  private readonly lines: Line[] = [];
  private readonly watchers = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    createInterface({ input: socket }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as Line);
      this.watchers.forEach((watcher) => watcher());
    });
  }

  static connect(path: string): Promise<RpcPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => resolve(new RpcPeer(socket)));
      socket.once('error', reject);
    });
  }

  /** The whole response object, error or result. */
  async call(method: string, params?: unknown): Promise<Line> {
    const id = this.nextId++;
    this.raw(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    return this.next((line) => line.id === id);
  }

  raw(text: string): void {
    this.socket.write(`${text}\n`);
  }

  /** The first line (already received or still to come) that `matches`, taken off the list. */
  next(matches: (line: Line) => boolean): Promise<Line> {
    return new Promise((resolve) => {
      const check = () => {
        const index = this.lines.findIndex(matches);
        if (index === -1) return;
        this.watchers.delete(check);
        resolve(this.lines.splice(index, 1)[0] as Line);
      };
      this.watchers.add(check);
      check();
    });
  }

  notification(method: string): Promise<unknown> {
    return this.next((line) => line.method === method && line.id === undefined).then((line) => line.params);
  }

  close(): void {
    this.socket.end();
  }
}
