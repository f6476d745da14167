import { type Smsc, startSmsc } from '@coming/smsc';
import type { ServiceProcess } from '@coming/stack';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comingFor, initAliceAndBob } from './support/run-coming';
import { startSingleNode } from './support/single-node';

const PASSPHRASE = 'a passphrase for the SMS tests';
const PHONES: Record<string, string> = { alice: '+15550001', bob: '+15550002' };
/** Long enough for several SMS parts. */
const LONG = `${'Over SMS, end to end: '.repeat(20)}the end.`;

type MessageJson = { from: string; text: string; via: string };
type RouteJson = { phone: string; device: number; transport: string };

// The CLI over SMS: each home binds to a local SMSC with its own number, beside a single node.
describe('coming over SMS through a local SMSC, beside a single node', () => {
  let smsc: Smsc;
  let node: ServiceProcess;
  let scratch: string;
  let server: string;
  const { run, coming } = comingFor(() => ({ server, scratch, passphrase: PASSPHRASE }));
  /** The --sms and --phone of a home, as their variables. */
  const smsOf = (home: string) => ({
    COMING_SMS: smsc.url.replace('smpp://', `smpp://${home}:secret@`),
    COMING_PHONE: PHONES[home] ?? '',
    // auto turns to SMS after 1 s without the server, not the default 10 s.
    COMING_SMS_OUTAGE_SECONDS: '1',
  });
  const withSms = (home: string, ...args: string[]) => run(home, args, { env: smsOf(home) });
  const messages = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as MessageJson);

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-sms-'));
    smsc = await startSmsc({ accounts: 'open' });
    ({ node, server } = await startSingleNode(scratch, 'single-node-sms'));
    await initAliceAndBob(coming);
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    await smsc?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('keeps phone numbers and transports per contact, refusing what is malformed by name', async () => {
    const set = await coming('alice', 'contact', 'set', 'bob', '--phone', PHONES['bob']!, '--json');
    expect(set, set.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(set.stdout) as RouteJson).toEqual(expect.objectContaining({ phone: PHONES['bob'], device: 1, transport: 'auto' }));
    expect((await coming('bob', 'contact', 'set', 'alice', '--phone', PHONES['alice']!)).stdout).toBe(
      `alice ${PHONES['alice']} device 1 transport auto\n`,
    );

    const badPhone = await coming('alice', 'contact', 'set', 'bob', '--phone', '0123');
    expect(badPhone.code).toBe(2);
    expect(badPhone.stderr).toContain('0123');
    const badTransport = await coming('alice', 'transport', 'set', 'bob', 'pigeon');
    expect(badTransport.code).toBe(2);
    expect(badTransport.stderr).toContain('transport is "pigeon": use auto, websocket, sms');
    const noPhone = await run('alice', ['send', 'bob', 'hi'], { env: { COMING_SMS: smsc.url } }).finished;
    expect(noPhone.code).toBe(2);
    expect(noPhone.stderr).toContain('--phone');
  });

  it('sends by SMS when a contact is set to sms, by the server when set to websocket, and listen says which', async () => {
    expect(JSON.parse((await coming('alice', 'transport', 'set', 'bob', 'sms', '--json')).stdout)).toMatchObject({ transport: 'sms' });
    const bobListens = withSms('bob', 'listen', '--json', '--count', '2');
    await bobListens.saysOnStderr('listening: caught up');

    const bySms = await withSms('alice', 'send', 'bob', LONG).finished;
    expect(bySms, bySms.stderr).toMatchObject({ code: 0 });
    expect(bySms.stderr).toContain('sent by SMS');
    await coming('alice', 'transport', 'set', 'bob', 'websocket');
    expect(await withSms('alice', 'send', 'bob', 'by the server').finished).toMatchObject({ code: 0 });

    const listened = await bobListens.finished;
    expect(listened, listened.stderr).toMatchObject({ code: 0 });
    expect(messages(listened.stdout).map(({ text, via }) => ({ text, via }))).toEqual([
      { text: LONG, via: 'sms' },
      { text: 'by the server', via: 'websocket' },
    ]);
    // The SMSC carried several parts of ciphertext, and never the text.
    const crossed = smsc.log().filter(({ kind }) => kind === 'message');
    expect(crossed.length).toBeGreaterThanOrEqual(3);
    const everything = crossed.map(({ bodyHex }) => Buffer.from(bodyHex, 'hex').toString('latin1')).join('');
    expect(everything).not.toContain('Over SMS');
    expect(everything.toLowerCase()).not.toContain(Buffer.from('Over SMS').toString('hex'));
  }, 120_000);

  it('goes on over SMS while the server is down, shows the message once when it is back, and returns to the server', async () => {
    await coming('alice', 'transport', 'set', 'bob', 'auto');
    await node.stop();
    try {
      // Bob listens with no server: SMS alone brings the message.
      const bobListens = withSms('bob', 'listen', '--json');
      const down = await withSms('alice', 'send', 'bob', 'while the server is down').finished;
      expect(down, down.stderr).toMatchObject({ code: 0 });
      expect(down.stderr).toContain('sent by SMS');
      await bobListens.printedLine((line) => (JSON.parse(line) as MessageJson).text === 'while the server is down', 'the SMS at Bob');
      // Its attempts to reach the server failed quietly: a failed connect is not a connection lost.
      expect((await bobListens.stop()).stderr).not.toContain('connection lost');
    } finally {
      await node.start();
    }
    // Back: Alice's next command hands the kept copy to the server; Bob has it already and shows it once.
    const bobListens = withSms('bob', 'listen', '--json');
    await bobListens.saysOnStderr('listening: caught up');
    expect(await withSms('alice', 'send', 'bob', 'the server is back').finished).toMatchObject({ code: 0 });
    await bobListens.printedLine((line) => (JSON.parse(line) as MessageJson).text === 'the server is back', 'the message by the server');
    const listened = await bobListens.stop();
    expect(messages(listened.stdout).map(({ text, via }) => ({ text, via }))).toEqual([{ text: 'the server is back', via: 'websocket' }]);
    const history = (await coming('bob', 'history', 'alice', '--json')).stdout;
    expect(history.split('while the server is down').length - 1).toBe(1);

    // Phone numbers stay in the homes: not in the server's database files, nor in its log.
    const serverFiles = [join(scratch, 'single-node.log'), ...(await filesUnder(join(scratch, 'data')))];
    const serverBytes = Buffer.concat(await Promise.all(serverFiles.map((file) => readFile(file))));
    expect(serverBytes.includes(Buffer.from('single node'))).toBe(true);
    for (const phone of Object.values(PHONES)) expect(serverBytes.includes(Buffer.from(phone.slice(1)))).toBe(false);
  }, 180_000);
});

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
