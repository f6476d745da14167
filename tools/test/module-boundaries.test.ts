// The Nx module-boundary rule, shown to bite: ESLint lints a made-up import as if it were
// the text of a real file in a library, a service or the single node.
import type { ESLint } from 'eslint';
import { execFile, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const BOUNDARY_RULE = '@nx/enforce-module-boundaries';
const run = promisify(execFile);

const importing = (specifier: string, name: string) => `import { ${name} } from '${specifier}';\nexport const imported = ${name};\n`;

/**
 * The boundary rule's messages for `source` linted as the text of `file`, by the ESLint
 * command line with the workspace's config. In a child process, because type-aware linting
 * blocks its thread for long enough on a loaded machine to time out vitest's worker.
 */
function boundaryErrors(file: string, source: string): Promise<string[]> {
  return new Promise((resolveErrors, reject) => {
    const eslint = spawn(
      process.execPath,
      [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', join(ROOT, file)],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let output = '';
    eslint.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    eslint.once('error', reject);
    eslint.once('close', (code) => {
      // 0: clean, 1: problems found; anything else is ESLint failing.
      if (code !== 0 && code !== 1) return reject(new Error(`eslint exited with ${code}`));
      const [result] = JSON.parse(output) as ESLint.LintResult[];
      resolveErrors((result?.messages ?? []).filter((message) => message.ruleId === BOUNDARY_RULE).map((message) => message.message));
    });
    eslint.stdin.end(source);
  });
}

// Type-aware linting takes a minute or more on a loaded machine.
describe('module boundaries', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    // The rule reads the project graph that Nx caches, and skips itself silently without one.
    await run(process.execPath, [require.resolve('nx/bin/nx.js'), 'show', 'projects'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  });

  it('stops a library from importing a service', async () => {
    // A library no part of keys (its tests included) uses, so the finding is the tag rule and
    // not a circular dependency.
    expect(await boundaryErrors('libs/chain/src/index.ts', importing('@coming/keys-service', 'keysConfigSchema'))).toEqual([
      'A project tagged with "type:lib" can only depend on libs tagged with "type:lib"',
    ]);
  });

  it('stops a service from importing another service', async () => {
    expect(await boundaryErrors('apps/keys/src/index.ts', importing('@coming/mailbox-service', 'mailboxConfigSchema'))).toEqual([
      'A project tagged with "type:service" can only depend on libs tagged with "type:lib"',
    ]);
  });

  it('lets the single node assemble services from their packages', async () => {
    expect(await boundaryErrors('apps/single-node/src/main.ts', importing('@coming/gateway-service', 'gatewayConfigSchema'))).toEqual([]);
  });
});
