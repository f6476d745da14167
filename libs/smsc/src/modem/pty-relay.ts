import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Node has no pseudo-terminal API, so a small Python program opens one, prints the path of
 * its terminal side on stderr, and relays the other side to its stdin and stdout. It keeps
 * the terminal side open itself, so the relay survives a client closing and reopening it.
 */
const RELAY = `
import os, pty, select, sys, tty
master, terminal = pty.openpty()
tty.setraw(terminal)
sys.stderr.write(os.ttyname(terminal) + "\\n")
sys.stderr.flush()
source, sink = sys.stdin.fileno(), sys.stdout.fileno()
while True:
    readable, _, _ = select.select([master, source], [], [])
    if master in readable:
        os.write(sink, os.read(master, 4096))
    if source in readable:
        data = os.read(source, 4096)
        if not data:
            break
        os.write(master, data)
`;

/** A pseudo-terminal whose terminal side (`path`) a serial port opens; `write` and `onData` are the far end of the line. */
export class PtyRelay {
  private constructor(
    readonly path: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {}

  static async start(): Promise<PtyRelay> {
    const child = spawn('python3', ['-c', RELAY]);
    let announced = '';
    const path = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the pty relay exited (${code}) before naming its terminal: ${announced}`)));
      child.stderr.on('data', (chunk: Buffer) => {
        announced += chunk.toString();
        const newline = announced.indexOf('\n');
        if (newline >= 0) resolve(announced.slice(0, newline));
      });
    });
    child.removeAllListeners('exit');
    return new PtyRelay(path, child);
  }

  write(data: string): void {
    this.child.stdin.write(Buffer.from(data, 'latin1'));
  }

  onData(listener: (data: string) => void): void {
    this.child.stdout.on('data', (chunk: Buffer) => listener(chunk.toString('latin1')));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill();
    await exited;
  }
}
