import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code is replayed by Temporal and must be deterministic: no I/O, no Node built-ins,
// nothing that reaches adapters or the engine. Types from `rules` are fine.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/'] },
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
          paths: nodeBuiltins.map((name) => ({ name, message: 'workflow code must be deterministic: no Node built-ins' })),
          patterns: [
            { group: ['**/adapters', '**/adapters/**'], message: 'workflows call adapters through activities, never directly' },
            { group: ['**/engine', '**/engine/**'], message: 'workflows must not reach the engine (I/O)' },
            {
              group: ['@temporalio/activity', '@temporalio/worker', '@temporalio/client', 'knex', 'pg', 'koa', '@koa/*', 'pino', '@electric-sql/*'],
              message: 'workflow code must be deterministic: no I/O libraries',
            },
          ],
        },
      ],
    },
  },
);
