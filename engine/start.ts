import path from 'node:path';
import type { Logger } from 'pino';
import { createLogger, routeTemporalLogs } from './logger';
import { formatProblem, NetworkConfigError } from './network';
import { startService, type RunningService } from './service';
import { readSettings, SettingError } from './settings';
import { temporalCliPath } from './temporal/cli-path';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { startWorld } from '../simulator/world';
import { ensureWorkbenchBuilt } from './workbench';

/** The port the shipped configuration's supplier endpoints name. */
const SIMULATOR_PORT = 3100;
/** A promised day of turnaround passes in a few seconds, so a newcomer watches a request move. */
const SIMULATED_MS_PER_HOUR = 250;

interface Started {
  stop(): Promise<void>;
}

/**
 * What start-up has brought up so far. A signal at any moment stops all of it, the last started
 * first, and exits; a step under way is let finish before, since a step that settles leaves nothing
 * half-started. A second interrupt exits at once, and the kernel still stops the dev server.
 */
class StartUp {
  private readonly started: Started[] = [];
  private underWay: Promise<unknown> = Promise.resolve();
  private stopped?: Promise<void>;
  private interruptedAt = 0;

  constructor(private readonly log: Logger) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void this.interrupted(signal));
  }

  /** Runs one step; what it brings up is stopped with the rest. Once stopping, it never returns. */
  async step<T extends Started>(start: () => Promise<T>): Promise<T> {
    // Stopping exits the process once everything is stopped; start-up must not go on meanwhile.
    const untilExit = () => new Promise<never>(() => undefined);
    if (this.stopped) return untilExit();
    const registered = start().then((started) => (this.started.push(started), started));
    this.underWay = registered.catch(() => undefined);
    try {
      return await registered;
    } finally {
      if (this.stopped) await untilExit();
    }
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.underWay;
      for (const started of this.started.reverse()) await started.stop().catch((error: unknown) => this.log.warn({ err: error }, 'while stopping'));
    })();
    return this.stopped;
  }

  private async interrupted(signal: NodeJS.Signals): Promise<void> {
    if (this.stopped) {
      // tsx sends a Ctrl-C on again when we do not acknowledge it within 30 ms; that one is no second interrupt.
      if (Date.now() - this.interruptedAt < 1_000) return;
      this.log.warn({ signal }, 'stopping at once');
      process.exit(130);
    }
    this.interruptedAt = Date.now();
    this.log.info({ signal }, 'stopping');
    await this.stop();
    process.exit(0);
  }
}

/** `npm start`: the whole service on embedded defaults, or against TEMPORAL_ADDRESS and DATABASE_URL. */
async function main(): Promise<void> {
  const settings = readSettings();
  const log = createLogger(settings.logLevel);
  const startUp = new StartUp(log);
  routeTemporalLogs(log);

  let devServer: DevServer | undefined;
  let service: RunningService;
  let simulator: { url: string; suppliers: string[] } | undefined;
  try {
    if (!settings.temporalAddress) {
      devServer = await startUp.step(async () =>
        startDevServer({
          cliPath: await temporalCliPath(),
          dataDir: path.join(settings.dataDir, 'temporal'),
          port: settings.devTemporalPort,
          uiPort: settings.devTemporalUiPort,
          namespace: settings.temporalNamespace,
          log,
        }),
      );
    }
    const temporalAddress = settings.temporalAddress ?? devServer!.address;
    await ensureWorkbenchBuilt(log);
    service = await startUp.step(() => startService({ ...settings, temporalAddress, temporalUiUrl: settings.temporalUiUrl ?? devServer?.uiUrl }, log));
    if (settings.simulator) {
      const config = service.network.current().config;
      simulator = await startUp.step(() =>
        startWorld(config, { port: SIMULATOR_PORT, callbackUrl: `${settings.publicUrl}/iso18626`, msPerHour: SIMULATED_MS_PER_HOUR, faultRates: settings.simulatorFaults }).catch((error: NodeJS.ErrnoException) => {
          throw error.code === 'EADDRINUSE' ? new SettingError('ILL_SIMULATOR', `127.0.0.1:${SIMULATOR_PORT} is already in use (is npm run simulator running?)`) : error;
        }),
      );
    }
  } catch (error) {
    await startUp.stop();
    throw error;
  }

  const librarian = await service.tokens.issue({ subject: 'demo-librarian', role: 'librarian', libraryId: 'pku' });
  process.stdout.write(
    [
      '',
      `ILL engine ready`,
      `  workbench      ${service.url}/`,
      `  API            ${service.url}  (health: ${service.url}/healthz)`,
      `  Temporal       ${settings.temporalAddress ?? devServer!.address}${devServer ? `  (web UI: ${devServer.uiUrl})` : ''}`,
      `  database       ${service.database.description}`,
      `  configuration  ${settings.configDir}`,
      ...(simulator ? [`  suppliers      simulated on ${simulator.url} (${simulator.suppliers.length} systems)`] : []),
      `  a librarian token for library pku (12 h):`,
      `    ${librarian}`,
      `  more tokens: npm run ill -- token --role reader --library pku --subject <patron>`,
      `  Ctrl-C stops everything.`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof NetworkConfigError) {
    // Named by a path the operator can open: the loader names files relative to the directory.
    for (const problem of error.problems) process.stderr.write(`${formatProblem({ ...problem, file: path.join(error.dir, problem.file) })}\n`);
    process.stderr.write(`ill: ILL_CONFIG_DIR: ${error.message}; fix them (ill check) and start again\n`);
    process.exit(2);
  }
  if (error instanceof SettingError) {
    process.stderr.write(`ill: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`ill: could not start: ${(error as Error).message?.split('\n')[0] ?? String(error)}\n`);
  process.exit(1);
});
