import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // SWC instead of esbuild: NestJS injection needs emitted decorator metadata.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    // Relative to --dir, so that each Nx project's test target (vitest run --dir <project>)
    // finds its own tests, and a new project's tests are found without listing it here.
    include: ['**/*.spec.ts', '**/test/**/*.test.ts'],
    // Generous, for a machine kept busy by other work: a passing test takes no longer for
    // it, and waits inside tests (eventually, a service's readiness) give up first, so a
    // failure still names what never happened. Stack start-up is two rounds of readiness.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // On a 2-core machine vitest runs one test file at a time (cores - 1), and Nx one
    // project at a time, so the multi-process stack tests do not starve each other.
    pool: 'forks',
  },
});
