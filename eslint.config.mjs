import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code is replayed by Temporal and must be deterministic: no I/O, no Node built-ins,
// nothing that reaches adapters or the engine. The kernel (`domain/`) and `rules/` stay free of I/O
// too, so every part can use them.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);
const ioLibraries = ['@temporalio/activity', '@temporalio/worker', '@temporalio/client', 'knex', 'pg', 'koa', '@koa/*', 'pino', '@electric-sql/*'];
const builtinPaths = (names, message) => names.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read loosely typed JSON answers.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinPaths(nodeBuiltins, 'workflow code must be deterministic: no Node built-ins'),
          patterns: [
            { group: ['**/adapters', '**/adapters/**'], message: 'workflows call adapters through activities, never directly' },
            { group: ['**/engine', '**/engine/**'], message: 'workflows must not reach the engine (I/O)' },
            { group: ioLibraries, message: 'workflow code must be deterministic: no I/O libraries' },
          ],
        },
      ],
    },
  },
  {
    // The kernel: types and policies every part speaks, so it depends on nothing, ours or the world's.
    files: ['domain/**/*.ts'],
    ignores: ['domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinPaths(nodeBuiltins, 'the kernel does no I/O: no Node built-ins'),
          patterns: [
            { group: ['../*', '!../domain'], message: 'the kernel imports nothing of ours outside domain/' },
            { group: [...ioLibraries, '@temporalio/*'], message: 'the kernel does no I/O and knows no Temporal' },
          ],
        },
      ],
    },
  },
  {
    // Routing is pure: it reads the configuration files and hashes them, and nothing else.
    files: ['rules/**/*.ts'],
    ignores: ['rules/**/*.test.ts', 'rules/config-fixture.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinPaths(
            nodeBuiltins.filter((name) => !['fs', 'node:fs', 'path', 'node:path', 'crypto', 'node:crypto'].includes(name)),
            'routing does no I/O beyond reading the configuration',
          ),
          patterns: [
            { group: ['**/adapters', '**/adapters/**', '**/engine', '**/engine/**', '**/workflows', '**/workflows/**'], message: 'rules/ uses only the kernel' },
            { group: [...ioLibraries, '@temporalio/*'], message: 'routing does no I/O and knows no Temporal' },
          ],
        },
      ],
    },
  },
  {
    // The workbench runs in readers' and librarians' browsers and knows the engine only by its HTTP API:
    // of ours it may use the kernel's types, nothing else.
    files: ['web/**/*.{ts,tsx}'],
    ignores: ['web/**/*.test.ts', 'web/vite.config.mts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinPaths(nodeBuiltins, 'the workbench runs in a browser: no Node built-ins'),
          patterns: [
            { group: ['**/engine', '**/engine/**', '**/adapters', '**/adapters/**', '**/workflows', '**/workflows/**', '**/rules', '**/rules/**', '**/simulator', '**/simulator/**'], message: 'the workbench speaks to the engine through its HTTP API; of ours it imports domain/ only' },
            { group: [...ioLibraries, '@temporalio/*'], message: 'the workbench speaks to the engine through its HTTP API' },
          ],
        },
      ],
    },
  },
);
