import path from 'node:path';
import { createLogger, routeTemporalLogs } from './logger';
import { formatProblem, NetworkConfigError } from './network';
import { startService } from './service';
import { readSettings, SettingError } from './settings';
import { temporalCliPath } from './temporal/cli-path';
import { startDevServer, type DevServer } from './temporal/dev-server';

/** `npm start`: the whole service on embedded defaults, or against TEMPORAL_ADDRESS and DATABASE_URL. */
async function main(): Promise<void> {
  const settings = readSettings();
  const log = createLogger(settings.logLevel);
  routeTemporalLogs(log);

  let devServer: DevServer | undefined;
  if (!settings.temporalAddress) {
    devServer = await startDevServer({
      cliPath: await temporalCliPath(),
      dataDir: path.join(settings.dataDir, 'temporal'),
      port: settings.devTemporalPort,
      uiPort: settings.devTemporalUiPort,
      namespace: settings.temporalNamespace,
    });
  }
  let service;
  try {
    service = await startService({ ...settings, temporalAddress: settings.temporalAddress ?? devServer!.address }, log);
  } catch (error) {
    await devServer?.stop();
    throw error;
  }

  const librarian = await service.tokens.issue({ subject: 'demo-librarian', role: 'librarian', libraryId: 'pku' });
  process.stdout.write(
    [
      '',
      `ILL engine ready`,
      `  API            ${service.url}  (health: ${service.url}/healthz)`,
      `  Temporal       ${settings.temporalAddress ?? devServer!.address}${devServer ? `  (web UI: ${devServer.uiUrl})` : ''}`,
      `  database       ${service.database.description}`,
      `  configuration  ${settings.configDir}`,
      `  a librarian token for library pku (12 h):`,
      `    ${librarian}`,
      `  more tokens: npm run ill -- token --role reader --library pku --subject <patron>`,
      `  Ctrl-C stops everything.`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await service.stop();
    await devServer?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof NetworkConfigError) {
    for (const problem of error.problems) process.stderr.write(`${formatProblem(problem)}\n`);
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
