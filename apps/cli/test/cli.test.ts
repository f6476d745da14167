import { recordEnvelopeInserts, startTestStack, type TestStack } from '@coming/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, comingFor } from './support/run-coming';

const CAUGHT_UP = 'err: listening: caught up with stored messages';

// Against the scaled stack on PostgreSQL, so that a trigger can show which messages went
// through the mailbox table and which never touched it.
describe('coming CLI delivery, live and offline', () => {
  let stack: TestStack;
  let scratch: string;
  const { run, coming } = comingFor(() => ({ server: stack.gatewayUrl(0), scratch, passphrase: 'correct horse battery staple' }));

  const mailboxRows = async (accountId: string) =>
    Number((await stack.query<{ count: string }>('select count(*) from envelopes where account_id = $1', [accountId]))[0]?.count);
  let everInserted: () => Promise<number>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-'));
    // A loaded machine may take seconds to decrypt and acknowledge; a live push that timed
    // out would be stored instead, and the live test would fail for the wrong reason.
    stack = await startTestStack('cli', { env: { GATEWAY_LIVE_ACK_TIMEOUT_MS: '30000' } });
    everInserted = await recordEnvelopeInserts(stack);
  });

  afterAll(async () => {
    await stack.release();
    await rm(scratch, { recursive: true, force: true });
  });

  it('delivers messages stored while the recipient was offline, in order, once, before it has caught up', async () => {
    const alice = accountIdOf(await coming('alice', 'init'));
    const bob = accountIdOf(await coming('bob', 'init'));
    expect(bob).toMatch(/^coming1/);
    expect((await coming('alice', 'contact', 'add', 'bob', bob)).code).toBe(0);

    for (const text of ['first', 'second', 'third']) {
      const sent = await coming('alice', 'send', 'bob', text, '--json');
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ to: bob, toName: 'bob', devices: [{ device: 1, outcome: 'stored' }] });
    }
    // Stored before anyone listens: three rows wait in the mailbox.
    expect(await mailboxRows(bob)).toBe(3);

    const listened = await coming('bob', 'listen', '--count', '3', '--json');
    expect(listened.code).toBe(0);
    const messages = listened.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(messages.map((message) => message['text'])).toEqual(['first', 'second', 'third']);
    for (const message of messages) {
      expect(message).toMatchObject({ from: alice, fromName: null, fromDevice: 1 });
      expect(message['serverGuid']).toMatch(/^[0-9a-f]{32}$/);
      expect(Number.isNaN(Date.parse(message['sentAt'] ?? ''))).toBe(false);
    }
    // They came from the backlog: every one before the caught-up line.
    const caughtUpAt = listened.events.indexOf(CAUGHT_UP);
    expect(caughtUpAt === -1 || caughtUpAt > listened.events.findLastIndex((event) => event.startsWith('out: '))).toBe(true);

    // Acknowledged, so deleted; and a second listener finds nothing to print.
    expect(await mailboxRows(bob)).toBe(0);
    const again = run('bob', ['listen']);
    await again.saysOnStderr('caught up');
    expect(await again.stop()).toMatchObject({ code: 0, stdout: '' });
  });

  it('delivers live to a listener that has caught up, writing no mailbox row', async () => {
    const erin = accountIdOf(await coming('erin', 'init'));
    const frank = accountIdOf(await coming('frank', 'init'));

    // The listener's timeout only ends a failing run before the test's own.
    const frankListens = run('frank', ['listen', '--count', '1', '--json', '--timeout', '100']);
    await frankListens.saysOnStderr('caught up');
    const inserted = await everInserted();
    // Sending from the listener's home meanwhile does not cut the listener off.
    expect((await coming('frank', 'send', erin, 'to Erin')).code).toBe(0);

    const sent = await coming('erin', 'send', frank, 'live, to Frank', '--json');
    expect(JSON.parse(sent.stdout)).toMatchObject({ devices: [{ device: 1, outcome: 'delivered' }] });
    const heard = await frankListens.finished;
    expect(JSON.parse(heard.stdout)).toMatchObject({ from: erin, text: 'live, to Frank' });
    expect(heard.events.indexOf(CAUGHT_UP)).toBeLessThan(heard.events.findIndex((event) => event.startsWith('out: ')));
    // Only Frank's message to the offline Erin went through the mailbox table.
    expect(await everInserted()).toBe(inserted + 1);
  });

  it('restores an identity from its recovery phrase read from stdin', async () => {
    const created = await coming('carol', 'init');
    const phrase = created.stderr.split('\n')[1] ?? '';
    const restored = await run('carol-restored', ['init', '--mnemonic', '-'], { stdin: `${phrase}\n` }).finished;
    expect(restored.code).toBe(0);
    expect(accountIdOf(restored)).toBe(accountIdOf(created));
    expect(restored.stderr).not.toContain(phrase);
  });
});
