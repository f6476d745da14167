import { ServiceProcess } from '@coming/stack';
import { findFreePorts } from '@coming/testing';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..', '..');
const REGISTER = join(ROOT, 'tools', 'register.cjs');
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Each test starts up to eight CLI processes, and each compiles its sources as it starts:
// on a loaded machine that alone can take a minute or two.
describe('coming CLI on a single node', { timeout: 300_000 }, () => {
  let node: ServiceProcess;
  let scratch: string;
  let server: string;

  const cli = (home: string, args: string[]) => ({
    args: ['-r', REGISTER, join(ROOT, 'apps/cli/src/main.ts'), '--home', join(scratch, home), ...args],
    options: { cwd: ROOT, env: { ...process.env, COMING_SERVER: server } },
  });

  const coming = async (home: string, ...args: string[]): Promise<CliResult> => {
    const command = cli(home, args);
    try {
      const { stdout, stderr } = await run(process.execPath, command.args, command.options);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  /**
   * Starts `coming listen` in the background and resolves once it has caught up: it has
   * printed every stored message, and what is sent next arrives live. `stop` is Ctrl-C.
   */
  const listening = async (home: string, ...args: string[]): Promise<{ finished: Promise<CliResult>; stop: () => void }> => {
    const command = cli(home, ['listen', ...args]);
    const child = spawn(process.execPath, command.args, command.options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const finished = new Promise<CliResult>((resolve) => child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('listening:')) resolve();
      });
      void finished.then(() => reject(new Error(`listen ended before it had caught up: ${stderr}`)));
    });
    return { finished, stop: () => child.kill('SIGINT') };
  };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-'));
    // One search for all five ports: two searches could each find the other's ports free.
    const port = await findFreePorts(5);
    server = `ws://127.0.0.1:${port}`;
    node = new ServiceProcess({
      app: 'single-node',
      name: 'single-node',
      env: { PORT: String(port), COMING_DATA_DIR: join(scratch, 'data'), COMING_INTERNAL_PORT_BASE: String(port + 1), LOG_LEVEL: 'warn' },
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    });
    // Resolves once /readyz answers, and fails at once if the node exits while starting.
    await node.start();
  });

  afterAll(async () => {
    await node.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('delivers messages sent while the recipient was offline, in order, and only once', async () => {
    const alice = await coming('alice', 'init');
    const bob = await coming('bob', 'init');
    expect(alice.code).toBe(0);
    const bobId = bob.stdout.trim().split('\n').pop() ?? '';
    const aliceId = alice.stdout.trim().split('\n').pop() ?? '';
    expect(bobId).toMatch(/^coming1/);
    expect((await coming('bob', 'whoami')).stdout.trim()).toBe(bobId);

    for (const text of ['first', 'second', 'third']) expect((await coming('alice', 'send', bobId, text)).code).toBe(0);

    const listened = await coming('bob', 'listen', '--count', '3', '--json');
    expect(listened.code).toBe(0);
    const messages = listened.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(messages.map((message) => message['text'])).toEqual(['first', 'second', 'third']);
    for (const message of messages) {
      expect(message['from']).toBe(aliceId);
      expect(message['serverGuid']).toMatch(/^[0-9a-f]{32}$/);
      expect(Number.isNaN(Date.parse(message['sentAt'] ?? ''))).toBe(false);
    }

    // Caught up again, with nothing left to print: each message came once.
    const again = await listening('bob');
    again.stop();
    expect(await again.finished).toMatchObject({ code: 0, stdout: '' });
  });

  it('exchanges end-to-end encrypted messages both ways, live and offline', async () => {
    const erin = (await coming('erin', 'init')).stdout.trim();
    const frank = (await coming('frank', 'init')).stdout.trim();

    // Frank listens, and sends from the same home meanwhile: sending does not cut his listener off.
    // The listener's timeout only ends a failing run before the test's own.
    const frankListens = await listening('frank', '--count', '1', '--json', '--timeout', '240');
    expect((await coming('frank', 'send', erin, 'offline, to Erin')).code).toBe(0);
    expect((await coming('erin', 'send', frank, 'live, to Frank')).code).toBe(0);
    expect(JSON.parse((await frankListens.finished).stdout)).toMatchObject({ from: erin, text: 'live, to Frank' });

    // Erin was offline: she reads Frank's message now.
    const erinReads = await coming('erin', 'listen', '--count', '1', '--json');
    expect(JSON.parse(erinReads.stdout)).toMatchObject({ from: frank, text: 'offline, to Erin' });
  });

  it('restores an identity from its mnemonic', async () => {
    const created = await coming('carol', 'init');
    const mnemonic = created.stderr.split('\n')[1] ?? '';
    const restored = await coming('carol-restored', 'init', '--mnemonic', mnemonic);
    expect(restored.stdout.trim()).toBe(created.stdout.trim());
  });

  it('explains what to do on bad input', async () => {
    const noIdentity = await coming('nobody', 'whoami');
    expect(noIdentity.code).not.toBe(0);
    expect(noIdentity.stderr).toMatch(/run "init" first/);

    await coming('dave', 'init');
    const badRecipient = await coming('dave', 'send', 'not-an-account', 'hi');
    expect(badRecipient.code).not.toBe(0);
    expect(badRecipient.stderr).toMatch(/not an account ID/);

    const unknown = await coming('dave', 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
