import { accountKeyFromMnemonic } from '@coming/identity';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeHolds } from './support/home-bytes';
import type { CliResult, ComingRun } from './support/run-coming';

/** What the single node's test file shares with these cases. */
export interface CommandHarness {
  start: (home: string, args: string[], options?: { env?: Record<string, string> }) => ComingRun;
  coming: (home: string, ...args: string[]) => Promise<CliResult>;
  init: (home: string) => Promise<CliResult>;
  ids: Record<string, string>;
  scratch: () => string;
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
// A device name that would forge a line, overwrite it and colour the terminal if shown raw.
const HOSTILE_NAME = 'lap\ntop\rX\u001b[31mred';

interface DeviceJson {
  id: number;
  name: string | null;
  thisDevice: boolean;
}

/** `link` in `home`, approved by `primary` with the link code read off the first line. */
async function linkHome({ start, coming }: CommandHarness, home: string, primary: string, ...flags: string[]): Promise<CliResult> {
  const linking = start(home, ['link', ...flags]);
  const linkCode = await linking.firstLine();
  expect(linkCode).toMatch(/^coming-link:\?v=1&/);
  expect(await coming(primary, 'approve', linkCode)).toMatchObject({ code: 0 });
  return linking.finished;
}

// Runs inside the commands file, on its single node.
export function describeLinkedDevices(harness: CommandHarness): void {
  const { start, coming, init, ids, scratch } = harness;
  const devicesOf = async (home: string) => JSON.parse((await coming(home, 'devices', '--json')).stdout) as { devices: DeviceJson[] };

  describe('linked devices', () => {
    it('links a second home that receives too, holds no recovery phrase, and stops working once removed', async () => {
      await init('fay');
      await init('gus');
      const linked = await linkHome(harness, 'fay-laptop', 'fay', '--name', 'laptop');
      expect(linked.code).toBe(0);
      expect(linked.stdout.trim().split('\n').pop()).toBe(ids['fay']);

      // The primary's secrets never reached the linked home, not even sealed.
      const phrase = (await coming('fay', 'recovery-phrase', '--yes')).stdout.trim();
      const laptop = join(scratch(), 'fay-laptop');
      expect((await readdir(laptop)).sort()).toEqual(['key.json', 'state.sealed']);
      for (const word of new Set(phrase.split(' '))) expect(await homeHolds(laptop, ` ${word} `)).toBe(false);
      expect(await homeHolds(laptop, accountKeyFromMnemonic(phrase).privateKey)).toBe(false);
      const noPhrase = await coming('fay-laptop', 'recovery-phrase', '--yes');
      expect(noPhrase).toMatchObject({ code: 1, stdout: '' });
      expect(noPhrase.stderr).toMatch(/linked device: it holds no recovery phrase/);

      // Both devices get a contact's message.
      const primaryListen = start('fay', ['listen', '--count', '1', '--json']);
      const laptopListen = start('fay-laptop', ['listen', '--json']);
      await Promise.all([primaryListen.saysOnStderr('caught up'), laptopListen.saysOnStderr('caught up')]);
      expect((await coming('gus', 'send', ids['fay'] ?? '', 'to both devices', '--json')).stdout).toMatch(/"device":2/);
      expect(JSON.parse((await primaryListen.finished).stdout)).toMatchObject({ from: ids['gus'], text: 'to both devices' });
      expect(JSON.parse(await laptopListen.firstLine())).toMatchObject({ from: ids['gus'], text: 'to both devices' });

      // Each lists the same devices, exactly, and marks itself.
      const listing = JSON.parse((await coming('fay', 'devices', '--json')).stdout) as unknown;
      expect(listing).toEqual({
        devices: [
          {
            id: 1,
            name: null,
            kind: 'primary',
            createdAt: expect.stringMatching(ISO_DATE),
            lastSeenAt: expect.stringMatching(ISO_DATE),
            ready: true,
            thisDevice: true,
          },
          {
            id: 2,
            name: 'laptop',
            kind: 'linked',
            createdAt: expect.stringMatching(ISO_DATE),
            lastSeenAt: expect.stringMatching(ISO_DATE),
            ready: true,
            thisDevice: false,
          },
        ],
        recentlyRemoved: [],
      });
      const fromLaptop = await devicesOf('fay-laptop');
      expect(fromLaptop).toEqual({
        ...(listing as object),
        devices: (listing as { devices: DeviceJson[] }).devices.map((device) => ({ ...device, thisDevice: !device.thisDevice })),
      });

      // Only the primary may approve or remove.
      const approve = await coming('fay-laptop', 'approve', 'coming-link:?v=1');
      expect(approve.code).toBe(1);
      expect(approve.stderr).toMatch(/only the account's primary device can approve a link code/);
      expect((await coming('fay-laptop', 'devices', 'remove', '1')).code).toBe(1);
      expect((await coming('fay', 'devices', 'remove', '1')).stderr).toMatch(/device 1 is this device/);
      const unknown = await coming('fay', 'devices', 'remove', '9');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/no such device in this account/);

      // The primary removes the laptop: its listener ends, the primary's is told.
      const primaryWatch = start('fay', ['listen']);
      await primaryWatch.saysOnStderr('caught up');
      expect((await coming('fay', 'devices', 'remove', '2')).code).toBe(0);
      const ended = await laptopListen.finished;
      expect(ended.code).toBe(4);
      expect(ended.stderr).toMatch(/error: this device was removed from its account \(close 4410\)/);
      await primaryWatch.saysOnStderr('notice: device 2 of this account was removed at ');
      expect((await primaryWatch.stop()).code).toBe(0);

      for (const args of [
        ['send', ids['gus'] ?? '', 'still here?'],
        ['listen', '--timeout', '5'],
      ]) {
        const refused = await coming('fay-laptop', ...args);
        expect(refused.code).toBe(4);
        expect(refused.stderr).toMatch(/this device was removed from its account/);
      }
      expect(await devicesOf('fay')).toMatchObject({
        devices: [{ id: 1 }],
        recentlyRemoved: [{ id: 2, reason: 'removed', removedAt: expect.stringMatching(ISO_DATE) }],
      });
    });

    it('shows a device name that holds control characters escaped, and exact in --json', async () => {
      await init('hal');
      expect((await linkHome(harness, 'hal-phone', 'hal')).code).toBe(0);
      expect((await coming('hal-phone', 'devices', 'name', HOSTILE_NAME)).code).toBe(0);
      const shown = (await coming('hal', 'devices')).stdout;
      expect(shown.split('\n')).toHaveLength(3);
      expect(shown.split('\n')[0]).toMatch(/^1\tprimary \(this device\)\tready\tcreated \S+\tlast seen \S+\t\(no name\)$/);
      expect(shown.split('\n')[1]).toMatch(/^2\tlinked\tready\tcreated \S+\tlast seen \S+\tlap\\ntop\\rX\\x1b\[31mred$/);
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(shown).not.toMatch(/[\r\u001b]/);
      expect((await devicesOf('hal')).devices[1]?.name).toBe(HOSTILE_NAME);
    });

    it('refuses a home that holds an identity, a malformed link code, and a link code nobody approves', async () => {
      const taken = await coming('hal', 'link');
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/already holds an identity/);
      expect((await coming('hal', 'approve', 'not a link code')).code).toBe(2);

      const unapproved = await coming('ivy', 'link', '--timeout', '0.5');
      expect(unapproved.code).toBe(3);
      expect(unapproved.stderr).toMatch(/the link code expired: no primary device approved it within 0.5 s/);
      // Nothing was kept: the home can be linked later.
      expect(await readdir(join(scratch(), 'ivy'))).toEqual([]);

      const down = await start('ivy', ['link'], { env: { COMING_SERVER: 'ws://127.0.0.1:9' } }).finished;
      expect(down.code).toBe(3);
      expect(down.stderr).toMatch(/cannot connect to ws:\/\/127\.0\.0\.1:9\/v1\/provisioning/);
    });
  });
}
