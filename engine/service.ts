import type { Server } from 'node:http';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Worker } from '@temporalio/worker';
import { createApp } from './api/app';
import { supplierAdapters } from './adapters';
import type { SupplierAdapter } from '../adapters/adapter';
import type { AdapterName } from '../rules/types';
import { NetworkHolder } from './network';
import { TokenAuthority } from './auth/tokens';
import { loadAuthSecret } from './auth/secret';
import { openDatabase, type Database } from './db/database';
import { LendingService } from './lending';
import { backlogFromIndex, ServiceMetrics } from './metrics';
import { RequestService } from './requests';
import { SettingError, type Settings } from './settings';
import { KnexRequestStore } from './store/knex-store';
import { ConfigHistory } from './store/config-history';
import { Reports } from './store/reports';
import { KnexReaderMailStore } from './store/reader-mail';
import { keptOutlet, smtpOutlet } from './mail/outlets';
import { ReaderMailSender } from './mail/sender';
import { connectTemporal, type TemporalConnections } from './temporal/connect';
import { createWorker } from './worker';
import { WORKBENCH_DIR } from './workbench';

export interface RunningService {
  url: string;
  database: Database;
  network: NetworkHolder;
  temporal: TemporalConnections;
  tokens: TokenAuthority;
  /** The HTTP API, whose routers tell every route it answers. */
  app: Koa;
  stop(): Promise<void>;
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new SettingError('PORT', `${host}:${port} is already in use`)
          : new SettingError('PORT', `cannot listen on ${host}:${port} (${error.message})`),
      );
    });
  });
}

/**
 * Wires the store, Temporal, the worker and the HTTP API together for a Temporal address that is
 * already up. Whatever started before a failure is stopped again, so a failed start leaves nothing behind.
 */
export async function startService(
  settings: Settings & { temporalAddress: string },
  log: Logger,
  adapters: Partial<Record<AdapterName, SupplierAdapter>> = {},
): Promise<RunningService> {
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await step().catch((error) => log.warn({ err: error }, 'while stopping'));
  };
  try {
    const network = new NetworkHolder(settings.configDir, log);
    network.watch();
    cleanup.push(async () => network.close());
    const database = await openDatabase({ url: settings.databaseUrl, schema: settings.databaseSchema, pgliteDir: `${settings.dataDir}/pglite` });
    cleanup.push(() => database.close());
    const temporal = await connectTemporal(settings.temporalAddress, settings.temporalNamespace);
    cleanup.push(() => temporal.close());

    const store = new KnexRequestStore(database.db);
    const metrics = new ServiceMetrics(backlogFromIndex(store));
    const requests = new RequestService(temporal.client, store, network, settings.taskQueue, metrics);
    const lending = new LendingService(temporal.client, store, network, settings.taskQueue);
    const started: { worker?: Worker } = {};
    const tokens = new TokenAuthority(loadAuthSecret(settings.authSecret, settings.dataDir));
    const mailDir = `${settings.dataDir}/mail`;
    const app = createApp({
      log,
      settings,
      tokens,
      store,
      reports: new Reports(database.db),
      configHistory: new ConfigHistory(database.db),
      network,
      requests,
      lending,
      metrics,
      mailDir,
      workbench: { dir: WORKBENCH_DIR, settings },
      health: {
        // Ready only while the worker runs: the API answers before it does, and requests taken then would wait.
        temporal: async () => {
          const state = started.worker?.getState();
          if (state !== 'RUNNING') throw new Error(state ? `the worker is not running (${state})` : 'the worker is not running yet');
          await temporal.client.workflowService.getSystemInfo({});
        },
        database: () => store.ping(),
      },
    });
    // Listening first: a port in use is reported before the slower work of bundling workflows.
    const server = await listen(app, settings.host, settings.port);
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const worker: Worker = await createWorker(
      { connection: temporal.worker, namespace: settings.temporalNamespace, taskQueue: settings.taskQueue, maxCachedWorkflows: settings.workflowCacheSize, log },
      {
        store,
        network,
        metrics,
        adapterFor: supplierAdapters({ reply: (requestId, message) => requests.supplierMessage(requestId, message), network, settings }, adapters),
      },
    );
    started.worker = worker;
    const running = worker.run();
    cleanup.push(async () => {
      // Ctrl-C reaches Temporal's runtime too, which starts draining the worker on its own.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const outlet = settings.smtpUrl ? smtpOutlet(settings.smtpUrl) : keptOutlet(mailDir);
    const mailer = new ReaderMailSender({ mail: new KnexReaderMailStore(database.db), requests: store, network, outlet, from: settings.mailFrom, log });
    mailer.start();
    cleanup.push(() => mailer.stop());
    return { url: `http://${settings.host}:${settings.port}`, database, network, temporal, tokens, app, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
