import path from 'node:path';
import type { Logger as Pino } from 'pino';
import { bundleWorkflowCode, NativeConnection, Worker, type Logger, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from './activities';
import { createLendingActivities, type LendingActivityDependencies } from './lending-activities';

export interface WorkerSettings {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt workflow bundle (tests build one per run); absent means bundle the sources now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** `ILL_WORKFLOW_CACHE_SIZE`; absent means the SDK's default, sized from the heap. */
  maxCachedWorkflows?: number;
  log?: Pino;
}

export const workflowsPath = path.join(__dirname, '../workflows/index.ts');

/** Bundles the workflow code. Webpack's report is for debugging, not for every start. */
export function bundleWorkflows(log?: Pino): Promise<{ code: string }> {
  const to = (level: 'debug' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => log?.[level](meta ?? {}, message);
  const logger: Logger = {
    log: (level, message, meta) => to(level === 'WARN' ? 'warn' : level === 'ERROR' ? 'error' : 'debug')(message, meta),
    trace: to('debug'),
    debug: to('debug'),
    info: to('debug'),
    warn: to('warn'),
    error: to('error'),
  };
  return bundleWorkflowCode({ workflowsPath, logger });
}

export async function createWorker(settings: WorkerSettings, deps: ActivityDependencies & Omit<LendingActivityDependencies, 'store' | 'network'>): Promise<Worker> {
  return Worker.create({
    connection: settings.connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowBundle: settings.workflowBundle ?? (await bundleWorkflows(settings.log)),
    maxCachedWorkflows: settings.maxCachedWorkflows,
    activities: { ...createActivities(deps), ...createLendingActivities(deps) },
  });
}
