import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from './activities';

export interface WorkerSettings {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt workflow bundle (tests build one per run); absent means bundle the sources now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export const workflowsPath = path.join(__dirname, '../workflows/index.ts');

export async function createWorker(settings: WorkerSettings, deps: ActivityDependencies): Promise<Worker> {
  return Worker.create({
    connection: settings.connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    ...(settings.workflowBundle ? { workflowBundle: settings.workflowBundle } : { workflowsPath }),
    activities: createActivities(deps),
  });
}
