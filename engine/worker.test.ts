import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualAdapter } from '../adapters/manual';
import { connectTestTemporal, startTestWorker, testDatabase, type TemporalHarness } from '../test/harness';
import type { Database } from './db/database';
import { NetworkHolder } from './network';
import { readSettings } from './settings';
import { KnexRequestStore } from './store/knex-store';

// The worker takes its workflow cache size from ILL_WORKFLOW_CACHE_SIZE, which bounds its memory.

let temporal: TemporalHarness;
let database: Database;

beforeAll(async () => {
  temporal = await connectTestTemporal();
  database = await testDatabase();
});

afterAll(async () => {
  await database?.close();
  await temporal?.close();
});

describe('worker', () => {
  it('caches as many requests as ILL_WORKFLOW_CACHE_SIZE says', async () => {
    const { workflowCacheSize } = readSettings({ ILL_WORKFLOW_CACHE_SIZE: '7' });
    const deps = { store: new KnexRequestStore(database.db), network: new NetworkHolder(path.resolve(__dirname, '../config')), adapterFor: createManualAdapter };
    const worker = await startTestWorker(temporal, deps, workflowCacheSize);
    expect(worker.options.maxCachedWorkflows).toBe(7);
    // A worker that never ran still holds its connection until it has run and shut down.
    const running = worker.run();
    worker.shutdown();
    await running;
  });
});
