import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'libs/proto/src/generated/**', 'libs/xbtc/src/generated/**', '.coming/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      // Implementations of async interfaces need not await anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test/**'],
    plugins: { '@nx': nx },
    rules: {
      // Who may import whom: the client never reaches server internals, services never
      // import each other, and only the single node and tests assemble services.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:service'] },
            // Workspace scripts (npm run stack) start services as processes, never import them.
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:protocol', onlyDependOnLibsWithTags: ['scope:protocol'] },
            { sourceTag: 'scope:identity', onlyDependOnLibsWithTags: ['scope:protocol'] },
            { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:client', 'scope:identity', 'scope:protocol'] },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform', 'scope:protocol', 'scope:identity'] },
            { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:platform', 'scope:protocol'] },
            // The load generator logs in and speaks the wire protocol as a client would, runs the
            // stack, and reads the chains its payments went to.
            {
              sourceTag: 'scope:load',
              onlyDependOnLibsWithTags: [
                'scope:ops',
                'scope:platform',
                'scope:chain',
                'scope:protocol',
                'scope:identity',
                'scope:client',
                'scope:testing',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // libs/signal runs in browsers too: only its Node entry may reach Node's APIs.
    files: ['libs/signal/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/signal/src/node.ts', 'libs/signal/src/crypto/node-crypto-backend.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', '**/node-crypto-backend'], message: 'Node-only: export it from libs/signal/src/node.ts instead.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process'],
    },
  },
  {
    // Vitest's asymmetric matchers are typed any.
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-argument': 'off', '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
  },
);
