import { ComingClient, FileClientStore, MemoryClientStore } from '@coming/client';
import { accountKeyFromMnemonic, seedFromMnemonic, signalIdentityKeyFromSeed } from '@coming/identity';
import type { ServiceProcess } from '@coming/stack';
import { execFile } from 'node:child_process';
import { access, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeHolds } from './support/home-bytes';
import { describeLinkedDevices } from './linked-devices.cases';
import { accountIdOf, comingFor } from './support/run-coming';
import { startSingleNode } from './support/single-node';
import { RpcPeer } from './support/rpc-peer';

const PASSPHRASE = 'a passphrase for the tests';
// A sender's attempt to forge a second line, overwrite the line shown, and colour the terminal.
const HOSTILE = 'hi\n2030-01-01T00:00:00.000Z bank: send me your phrase\rX\u001b[31mred\u001b[0m\u202eevil';
const run = promisify(execFile);

// Commands run in this process (see support/run-coming); the single node is started once.
describe('coming commands on a single node', () => {
  let node: ServiceProcess;
  let scratch: string;
  let server: string;
  const { run: start, coming } = comingFor(() => ({ server, scratch, passphrase: PASSPHRASE }));
  const withEnv = (home: string, env: Record<string, string>, ...args: string[]) => start(home, args, { env }).finished;
  const ids: Record<string, string> = {};

  const init = async (home: string) => {
    const result = await coming(home, 'init');
    expect(result.code).toBe(0);
    ids[home] = accountIdOf(result);
    return result;
  };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-commands-'));
    ({ node, server } = await startSingleNode(scratch, 'single-node', { LOG_LEVEL: 'info' }));
    await init('alice');
    await init('bob');
    await coming('alice', 'contact', 'add', 'bob', ids['bob'] ?? '');
    await coming('bob', 'contact', 'add', 'alice', ids['alice'] ?? '');
  });

  afterAll(async () => {
    await node.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('is served by a single node that said, in one line, where it is ready', async () => {
    const lines = (await readFile(join(scratch, 'single-node.log'), 'utf8')).trim().split('\n');
    const ready = lines.map((line) => JSON.parse(line) as { msg: string; context?: string }).filter((line) => /ready/.test(line.msg));
    expect(ready).toEqual([expect.objectContaining({ msg: `Coming single node ready on ${server}` })]);
    // Nest's boot chatter (modules, routes, "successfully started") stays at debug.
    expect(lines.filter((line) => line.includes('"context":'))).toEqual([]);
  });

  describe('parsing', () => {
    it('prints help with exit 0, and a usage error with exit 2', async () => {
      const help = await coming('alice', '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/send \[options\] <contact> <text>/);
      expect(help.stdout).toMatch(/6 home locked/);

      const unknown = await coming('alice', 'frobnicate');
      expect(unknown).toMatchObject({ code: 2, stdout: '' });
      expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
      expect((await coming('alice', 'listen', '--count', 'many')).stderr).toMatch(/--count <n>.*a positive whole number, not "many"/);
      expect((await coming('alice', 'send', 'bob')).code).toBe(2);
      expect((await coming('alice', 'history', 'bob', '--limit', '0')).code).toBe(2);
    });

    it('prints a bash completion script that completes subcommands and options', async () => {
      const script = (await coming('alice', 'completion', 'bash')).stdout;
      const complete = async (...words: string[]) =>
        (
          await run('bash', [
            '-c',
            `${script}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _coming; echo "\${COMPREPLY[*]}"`,
          ])
        ).stdout.trim();
      expect(await complete('coming', 'con')).toBe('contact contacts');
      expect(await complete('coming', '--home', '/tmp/x', 'contact', '')).toBe('add remove set --help');
      expect(await complete('coming', 'listen', '--c')).toBe('--count');
      expect(await complete('coming', 'devices', '')).toBe('remove name --json --help');
      expect((await coming('alice', 'completion', 'zsh')).stdout).toMatch(/^autoload -U \+X bashcompinit/);
      expect((await coming('alice', 'completion', 'fish')).code).toBe(2);
    });
  });

  describe('contacts and history', () => {
    it('names accounts, lists them as text or exact JSON, and forgets them', async () => {
      expect((await coming('alice', 'contact', 'add', 'Bob Two', ids['bob'] ?? '')).code).toBe(0);
      expect((await coming('alice', 'contacts')).stdout).toBe(`bob\t${ids['bob']}\nBob Two\t${ids['bob']}\n`);
      expect(JSON.parse((await coming('alice', 'contacts', '--json')).stdout)).toEqual([
        { name: 'bob', accountId: ids['bob'] },
        { name: 'Bob Two', accountId: ids['bob'] },
      ]);
      expect((await coming('alice', 'contact', 'remove', 'Bob Two')).code).toBe(0);
      expect((await coming('alice', 'contacts', '--json')).stdout).toBe(`[{"name":"bob","accountId":"${ids['bob']}"}]\n`);

      const badName = await coming('alice', 'contact', 'add', 'evil\u001b[2J', ids['bob'] ?? '');
      expect(badName.code).toBe(2);
      expect(badName.stderr).toMatch(/cannot be a contact name/);
      expect((await coming('alice', 'contact', 'add', 'x', 'coming1nope')).stderr).toMatch(/not an account ID/);
      const unknown = await coming('alice', 'send', 'nobody', 'hi');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/"nobody" is neither an account ID .* nor a contact/);
    });

    it('sends text read from stdin, shows hostile text escaped, and keeps it exact in --json', async () => {
      const sent = await start('alice', ['send', 'bob', '-'], { stdin: `${HOSTILE}\n` }).finished;
      expect(sent).toMatchObject({ code: 0, stdout: '' });

      const shown = await coming('bob', 'listen', '--count', '1');
      const escaped = 'hi\\n2030-01-01T00:00:00.000Z bank: send me your phrase\\rX\\x1b[31mred\\x1b[0m\\u202eevil';
      expect(shown.stdout).toMatch(new RegExp(`^\\S+ alice: ${escaped.replace(/[\\[\]]/g, '\\$&')}\n$`));
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(shown.stdout).not.toMatch(/[\r\u001b\u202e]/);
      expect(shown.stdout.split('\n')).toHaveLength(2);

      const history = await coming('bob', 'history', 'alice', '--json');
      expect(JSON.parse(history.stdout)).toMatchObject({
        direction: 'received',
        contact: ids['alice'],
        contactName: 'alice',
        text: HOSTILE,
      });
      const sentHistory = await coming('alice', 'history', 'bob');
      expect(sentHistory.stdout).toBe(`${sentHistory.stdout.slice(0, 24)} to bob: ${escaped}\n`);
    });

    it('keeps the last N messages both ways, oldest first, and accepts an account ID for a contact', async () => {
      for (const text of ['one', 'two', 'three']) expect((await coming('bob', 'send', ids['alice'] ?? '', text)).code).toBe(0);
      expect((await coming('alice', 'listen', '--count', '3')).code).toBe(0);
      const last = await coming('alice', 'history', ids['bob'] ?? '', '--limit', '3', '--json');
      const entries = last.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { direction: string; text: string });
      expect(entries.map(({ direction, text }) => `${direction} ${text}`)).toEqual(['received one', 'received two', 'received three']);
      expect((await coming('alice', 'history', 'bob', '--limit', '4')).stdout).toMatch(/^\S+ to bob: hi\\n/);
    });
  });

  describe('exit codes', () => {
    it('1: no identity, or one already', async () => {
      const none = await coming('nobody', 'whoami');
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/run "init" first/);
      const twice = await coming('alice', 'init');
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(/already holds an identity/);
    });

    it('2: a malformed account ID or recovery phrase', async () => {
      const malformed = await coming('alice', 'send', 'coming1qqqq', 'hi');
      expect(malformed.code).toBe(2);
      const phrase = await start('typo', ['init', '--mnemonic', '-'], { stdin: 'abandon abandon abandon' }).finished;
      expect(phrase.code).toBe(2);
      expect(phrase.stderr).toMatch(/not a valid BIP-39/);
      await expect(access(join(scratch, 'typo'))).rejects.toThrow();
    });

    it('3: the server is down; says it is retrying, then gives up at the timeout', async () => {
      const down = await withEnv('alice', { COMING_SERVER: 'ws://127.0.0.1:9' }, 'send', 'bob', 'anyone?', '--timeout', '1.5');
      expect(down.code).toBe(3);
      expect(down.events[0]).toMatch(/^err: retrying: .*127\.0\.0\.1:9.*trying again for \d+ s$/);
      expect(down.stderr).toMatch(/error: ws:\/\/127\.0\.0\.1:9 did not answer in time/);
      const listen = await withEnv('alice', { COMING_SERVER: 'ws://127.0.0.1:9' }, 'listen', '--timeout', '1');
      expect(listen.code).toBe(3);
    });

    it('4: a listener displaced by another connection of its device', async () => {
      const first = start('bob', ['listen']);
      await first.saysOnStderr('caught up');
      // A second listen on the same home would go through the first; a copy of the home
      // elsewhere (another machine, say) is the same device with a connection of its own.
      await cp(join(scratch, 'bob'), join(scratch, 'bob-copy'), {
        recursive: true,
        filter: (source) => !/daemon\.(json|sock)$/.test(source),
      });
      const second = start('bob-copy', ['listen']);
      await second.saysOnStderr('caught up');
      const displaced = await first.finished;
      expect(displaced.code).toBe(4);
      expect(displaced.stderr).toMatch(/another connection of this device took over \(close 4409\)/);
      expect((await second.stop()).code).toBe(0);
    });

    it('5: an account that never registered, in those words', async () => {
      const ghost = await withEnv('ghost', { COMING_SERVER: 'ws://127.0.0.1:9' }, 'init', '--timeout', '0.2');
      expect(ghost.code).toBe(3);
      const refused = await coming('alice', 'send', accountIdOf(ghost), 'hello?');
      expect(refused.code).toBe(5);
      expect(refused.stderr).toBe(`error: no account ${accountIdOf(ghost)} (never registered)\n`);
    });

    it('5: the device cap, reported as itself', async () => {
      const first = await coming('crowded', 'init');
      const mnemonic = first.stderr.split('\n')[1] ?? '';
      // Fifteen more devices of the same account, through the SDK: sixteen is the cap.
      for (let device = 2; device <= 16; device += 1) {
        const client = await ComingClient.create({ store: new MemoryClientStore(), server }, mnemonic);
        await client.register();
        await client.close();
      }
      const refused = await start('crowded-17', ['init', '--mnemonic', '-'], { stdin: mnemonic }).finished;
      expect(refused.code).toBe(5);
      expect(refused.stderr).toMatch(/the account already has the most devices it may/);
      expect(refused.stderr).not.toMatch(/unreachable|did not answer/);
    });

    it('6: no passphrase, or a wrong one', async () => {
      const locked = await start('alice', ['whoami'], { env: { COMING_PASSPHRASE: 'not it' } }).finished;
      expect(locked).toMatchObject({ code: 6, stderr: 'error: wrong passphrase for this home\n' });
      const { run: bare } = comingFor(() => ({ server, scratch }));
      const none = await bare('alice', ['whoami']).finished;
      expect(none.code).toBe(6);
      expect(none.stderr).toMatch(/set COMING_PASSPHRASE/);
    });
  });

  describe('the home at rest', () => {
    it('holds no recovery phrase, private key or message in any file', async () => {
      const phrase = (await coming('alice', 'recovery-phrase', '--yes')).stdout.trim();
      expect(phrase.split(' ')).toHaveLength(24);
      const seed = seedFromMnemonic(phrase);
      const message = 'a very particular plaintext';
      expect((await coming('alice', 'send', 'bob', message)).code).toBe(0);
      expect((await coming('bob', 'listen', '--count', '1')).stdout).toContain(message);

      for (const home of ['alice', 'bob']) {
        const path = join(scratch, home);
        expect((await readdir(path)).sort()).toEqual(['contacts.sealed', 'history.sealed', 'key.json', 'state.sealed']);
        expect(await homeHolds(path, message)).toBe(false);
        expect(await homeHolds(path, PASSPHRASE)).toBe(false);
      }
      const alice = join(scratch, 'alice');
      for (const word of new Set(phrase.split(' '))) expect(await homeHolds(alice, ` ${word} `)).toBe(false);
      expect(await homeHolds(alice, phrase.split(' ').slice(0, 3).join(' '))).toBe(false);
      expect(await homeHolds(alice, accountKeyFromMnemonic(phrase).privateKey)).toBe(false);
      expect(await homeHolds(alice, signalIdentityKeyFromSeed(seed))).toBe(false);
    });

    it('shows the recovery phrase only after a confirmation', async () => {
      const unconfirmed = await coming('bob', 'recovery-phrase');
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toMatch(/pass --yes/);
      expect(unconfirmed.stdout).toBe('');
    });

    it('seals a home an older coming left unencrypted', async () => {
      const path = join(scratch, 'plain');
      const old = await ComingClient.create({ store: new FileClientStore(path), server });
      // The search that finds nothing in sealed homes finds the phrase in a plain one.
      expect(await homeHolds(path, old.mnemonic)).toBe(true);
      expect(await homeHolds(path, old.mnemonic.split(' ').slice(0, 3).join(' '))).toBe(true);
      const migrated = await coming('plain', 'whoami');
      expect(migrated).toMatchObject({ code: 0, stdout: `${old.accountId}\n` });
      expect(migrated.stderr).toMatch(/was not encrypted .* it is now sealed/);
      expect((await readdir(path)).sort()).toEqual(['key.json', 'state.sealed']);
      expect(await homeHolds(path, old.mnemonic)).toBe(false);
      expect((await start('plain', ['whoami'], { env: { COMING_PASSPHRASE: 'other' } }).finished).code).toBe(6);
    });
  });

  describeLinkedDevices({ start, coming, init, ids, scratch: () => scratch });

  describe('the daemon', () => {
    const serve = async (home: string) => {
      const daemon = start(home, ['daemon']);
      await daemon.saysOnStderr('daemon: serving');
      const peer = await RpcPeer.connect(join(scratch, home, 'daemon.sock'));
      return { daemon, peer };
    };

    it('carries a conversation over JSON-RPC alone', async () => {
      await init('dora');
      await init('ed');
      const dora = await serve('dora');
      const ed = await serve('ed');
      try {
        expect(await dora.peer.call('whoami')).toEqual({ jsonrpc: '2.0', id: 1, result: { accountId: ids['dora'] } });
        expect((await dora.peer.call('devices')).result).toMatchObject({
          devices: [{ id: 1, name: null, kind: 'primary', ready: true, thisDevice: true }],
          recentlyRemoved: [],
        });
        expect((await dora.peer.call('deviceName', { name: 'server' })).result).toBeNull();
        expect((await dora.peer.call('devices')).result).toMatchObject({ devices: [{ id: 1, name: 'server' }] });
        await dora.peer.call('contactAdd', { name: 'ed', accountId: ids['ed'] });
        expect((await dora.peer.call('contacts')).result).toEqual([{ name: 'ed', accountId: ids['ed'] }]);

        const subscribed = await ed.peer.call('subscribe');
        expect(subscribed.result).toMatchObject({ subscribed: true });
        const sent = await dora.peer.call('send', { to: 'ed', text: HOSTILE });
        expect(sent.result).toMatchObject({ to: ids['ed'], toName: 'ed', devices: [{ device: 1, outcome: 'delivered' }] });
        expect(await ed.peer.notification('message')).toMatchObject({ from: ids['dora'], fromName: null, text: HOSTILE });

        await dora.peer.call('subscribe');
        await ed.peer.call('send', { to: ids['dora'], text: 'got it' });
        expect(await dora.peer.notification('message')).toMatchObject({ from: ids['ed'], fromName: 'ed', text: 'got it' });
        const history = (await dora.peer.call('history', { contact: 'ed', limit: 10 })).result as { direction: string; text: string }[];
        expect(history.map(({ direction, text }) => [direction, text])).toEqual([
          ['sent', HOSTILE],
          ['received', 'got it'],
        ]);
      } finally {
        dora.peer.close();
        ed.peer.close();
        expect((await dora.daemon.stop()).code).toBe(0);
        expect((await ed.daemon.stop()).code).toBe(0);
      }
      // Stopped, it leaves nothing behind that would send the next command to it.
      expect((await readdir(join(scratch, 'dora'))).sort()).toEqual(['contacts.sealed', 'history.sealed', 'key.json', 'state.sealed']);
    });

    it('answers malformed requests with JSON-RPC errors, and failures with their exit code', async () => {
      const { daemon, peer } = await serve('ed');
      try {
        peer.raw('{"jsonrpc":"2.0","id":1,"method":');
        expect((await peer.next((line) => line.id === null)).error).toMatchObject({ code: -32700 });
        expect((await peer.call('frobnicate')).error).toMatchObject({ code: -32601 });
        expect((await peer.call('deviceRemove', { id: 1 })).error).toMatchObject({ code: -32002, message: /this device/ });
        expect((await peer.call('approve', { linkCode: 'coming-link:?v=9' })).error).toMatchObject({ data: { exitCode: 2 } });
        expect((await peer.call('send', { to: 'dora' })).error).toMatchObject({ code: -32602, message: /text/ });
        expect((await peer.call('send', { to: 'nobody', text: 'hi' })).error).toMatchObject({
          code: -32002,
          message: /"nobody" is neither an account ID/,
          data: { exitCode: 2 },
        });
      } finally {
        peer.close();
        await daemon.stop();
      }
    });

    it('serves one client on stdin and stdout, answering everything piped in before it stops', async () => {
      const request = { jsonrpc: '2.0', id: 7, method: 'send', params: { to: ids['dora'], text: 'piped' } };
      const piped = await start('ed', ['daemon', '--stdio'], { stdin: `${JSON.stringify(request)}\n` }).finished;
      expect(piped.code).toBe(0);
      expect(JSON.parse(piped.stdout)).toMatchObject({ id: 7, result: { to: ids['dora'], devices: [{ device: 1 }] } });
    });

    it('serves the other commands on its home, without the passphrase and without a second connection', async () => {
      const { daemon, peer } = await serve('ed');
      try {
        await peer.call('subscribe');
        const { run: bare } = comingFor(() => ({ server, scratch }));
        expect(await bare('ed', ['whoami']).finished).toMatchObject({ code: 0, stdout: `${ids['ed']}\n` });
        // A listen of its own would displace the daemon (4409); through the daemon it is one more subscriber.
        const listen = bare('ed', ['listen', '--count', '1', '--json']);
        await listen.saysOnStderr('caught up');
        expect((await coming('dora', 'send', 'ed', 'to both')).code).toBe(0);
        expect(JSON.parse((await listen.finished).stdout)).toMatchObject({ fromName: null, text: 'to both' });
        expect(await peer.notification('message')).toMatchObject({ text: 'to both' });
        expect((await bare('ed', ['contact', 'add', 'dora', ids['dora'] ?? '']).finished).code).toBe(0);
        expect((await bare('ed', ['history', 'dora', '--limit', '1']).finished).stdout).toMatch(/ from dora: to both\n$/);
      } finally {
        peer.close();
        await daemon.stop();
      }
      expect((await start('ed', ['whoami'], { env: { COMING_PASSPHRASE: 'wrong' } }).finished).code).toBe(6);
    });
  });
});
