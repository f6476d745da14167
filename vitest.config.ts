import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // SWC instead of esbuild: NestJS injection needs emitted decorator metadata.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: [
      'apps/**/*.spec.ts',
      'libs/**/*.spec.ts',
      'apps/**/test/**/*.test.ts',
      'libs/**/test/**/*.test.ts',
      'deploy/**/*.test.ts',
      'tools/**/*.test.ts',
      'load-tests/test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
