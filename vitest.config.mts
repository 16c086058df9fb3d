import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/temporal-logs.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    pool: 'forks',
    // Most test files spend their time waiting on Temporal, the database, child processes and timers:
    // with one file per core (vitest's default is one fewer) a 2-core machine runs two at once.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
