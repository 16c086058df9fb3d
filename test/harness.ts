import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { openDatabase, type Database } from '../engine/db/database';
import { createWorker } from '../engine/worker';
import type { ActivityDependencies } from '../engine/activities';

/** Every database kind the store supports here: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const databaseKinds: { name: string; open: () => Promise<Database> }[] = [
  { name: 'pglite', open: () => openDatabase({ pgliteDir: 'memory://' }) },
  ...(process.env.DATABASE_URL
    ? [{ name: 'postgres', open: () => openDatabase({ url: process.env.DATABASE_URL, schema: `t_${randomUUID().replaceAll('-', '')}` }) }]
    : []),
];

/** The database the Temporal tests use: PostgreSQL when given, so CI exercises the real server. */
export const testDatabase = () => databaseKinds[databaseKinds.length - 1]!.open();

export interface TemporalHarness {
  client: Client;
  taskQueue: string;
  namespace: string;
  address: string;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TemporalHarness> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default' }),
    nativeConnection,
    namespace: 'default',
    address,
    taskQueue: `test-${randomUUID()}`,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** A worker on the run's bundled workflow code, with the real activities around `deps`. */
export function startTestWorker(
  temporal: Pick<TemporalHarness, 'nativeConnection' | 'namespace' | 'taskQueue'>,
  deps: ActivityDependencies,
  maxCachedWorkflows?: number,
): Promise<Worker> {
  return createWorker(
    {
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
      maxCachedWorkflows,
    },
    deps,
  );
}
