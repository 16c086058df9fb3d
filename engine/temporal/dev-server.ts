import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { SettingError } from '../settings';
import { isListening, waitUntilListening } from '../net';
import { devServerSearchAttributeArgs } from './search-attributes';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
}

/**
 * Starts `temporal server start-dev` with its state in `dataDir`, so requests survive restarts.
 * The child gets its own process group so a Ctrl-C reaches us first and we stop it in order.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const host = '127.0.0.1';
  for (const [setting, port] of [
    ['ILL_TEMPORAL_DEV_PORT', options.port],
    ['ILL_TEMPORAL_UI_PORT', options.uiPort],
  ] as const) {
    if (await isListening(host, port)) {
      throw new SettingError(
        setting,
        `${host}:${port} is already in use; stop what listens there, choose another port, or set TEMPORAL_ADDRESS to use a running Temporal server`,
      );
    }
  }
  mkdirSync(options.dataDir, { recursive: true });
  const log = openSync(path.join(options.dataDir, 'temporal.log'), 'a');
  const child: ChildProcess = spawn(
    options.cliPath,
    [
      'server', 'start-dev',
      '--ip', host,
      '--port', String(options.port),
      '--ui-port', String(options.uiPort),
      '--db-filename', path.join(options.dataDir, 'temporal.db'),
      '--namespace', options.namespace,
      '--log-level', 'warn',
      ...devServerSearchAttributeArgs(),
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  closeSync(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const ready = await Promise.race([waitUntilListening(host, options.port, 30_000), exit.then(() => false)]);
  if (!ready) {
    if (!exited) child.kill('SIGKILL');
    throw new SettingError('TEMPORAL_ADDRESS', `the Temporal development server did not start; see ${path.join(options.dataDir, 'temporal.log')}`);
  }
  return {
    address: `${host}:${options.port}`,
    uiUrl: `http://${host}:${options.uiPort}`,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
