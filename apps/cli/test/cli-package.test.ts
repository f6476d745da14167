import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = resolve(__dirname, '..');
const run = promisify(execFile);

async function exitOf(command: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(command, args, { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// What a user gets from `npm pack` and `npm install -g`: one file and Node, nothing else.
describe('the packed coming CLI', () => {
  let scratch: string;
  let coming: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-package-'));
    // prepack bundles the CLI first.
    const { stdout } = await run('npm', ['pack', CLI, '--pack-destination', scratch, '--json']);
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    expect(packed?.files.map((file) => file.path).sort()).toEqual(['bin/coming.cjs', 'dist/coming.cjs', 'package.json']);
    // Offline: the tarball must need nothing from a registry.
    const prefix = join(scratch, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(scratch, packed?.filename ?? '')]);
    coming = join(prefix, 'bin', 'coming');
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('installs with no dependencies and runs as a bin', async () => {
    expect(await readdir(join(scratch, 'prefix', 'lib', 'node_modules', '@coming', 'cli'))).not.toContain('node_modules');
    const help = await exitOf(coming, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: coming /);
  });

  it('creates a sealed home and keeps its exit codes', async () => {
    const home = join(scratch, 'home');
    const env = { COMING_HOME: home, COMING_PASSPHRASE: 'packed', COMING_SERVER: 'ws://127.0.0.1:9' };
    const init = await exitOf(coming, ['init', '--timeout', '0.2'], env);
    expect(init.code).toBe(3);
    expect(init.stdout).toMatch(/^coming1/);
    expect((await exitOf(coming, ['whoami'], env)).stdout).toBe(init.stdout);
    expect((await exitOf(coming, ['whoami'], { ...env, COMING_PASSPHRASE: 'wrong' })).code).toBe(6);
    expect((await exitOf(coming, ['frobnicate'], env)).code).toBe(2);
  });
});
