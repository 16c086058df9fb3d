import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { SettingError } from '../settings';
import { isListening, waitUntilClosed, waitUntilListening } from '../net';
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
  log: Logger;
}

const STOP_GRACE_MS = 10_000;

/**
 * Who runs the dev server on a data directory, written when it starts and removed when it exits:
 * a start that died without stopping it (SIGKILL, power loss) leaves this file behind.
 */
interface PidFile {
  /** The dev server. */
  pid: number;
  /** The start that spawned it: while that lives, it stays the dev server's parent. */
  parent: number;
}

function readPidFile(file: string): PidFile | undefined {
  try {
    const { pid, parent } = JSON.parse(readFileSync(file, 'utf8')) as Partial<PidFile>;
    return Number.isInteger(pid) && Number.isInteger(parent) ? { pid: pid!, parent: parent! } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What runs as `pid`: the dev server on `dbFile` (and its parent), a process the kernel gave the pid
 * to since (after a power loss, say), or nothing. A zombie counts as nothing: it has exited, though
 * its ports may close a moment later.
 */
type Found = { parent: number } | 'another process' | 'gone';

function find(pid: number, dbFile: string): Found {
  let stat: string;
  let args: string[];
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return 'gone';
  }
  // The command name in parentheses may hold spaces; state and parent follow its closing one.
  const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (state === 'Z') return 'gone';
  const db = args.indexOf('--db-filename');
  return args.includes('start-dev') && db >= 0 && args[db + 1] === dbFile ? { parent: Number(parent) } : 'another process';
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Stops the dev server a crashed start left running on this data directory, so that its database is
 * free again; one whose start still runs is that start's, and this one must not begin. Resolves true
 * when such a server ran or was exiting, so its ports may still be closing.
 */
async function stopLeftBehind(pidFile: string, dbFile: string, dataDir: string, log: Logger): Promise<boolean> {
  const recorded = readPidFile(pidFile);
  if (!recorded) return false;
  const found = find(recorded.pid, dbFile);
  if (typeof found === 'string') {
    rmSync(pidFile, { force: true });
    return found === 'gone';
  }
  if (found.parent === recorded.parent) {
    throw new SettingError('ILL_DATA_DIR', `${dataDir} is in use by the start with pid ${found.parent}; stop that one first, or choose another data directory`);
  }
  const gone = () => typeof find(recorded.pid, dbFile) === 'string';
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(recorded.pid, name);
    } catch (error) {
      // It may exit between the look and the signal.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  log.warn({ pid: recorded.pid }, 'stopping the Temporal dev server an earlier start left running');
  signal('SIGTERM');
  if (!(await waitUntil(gone, STOP_GRACE_MS))) {
    signal('SIGKILL');
    await waitUntil(gone, STOP_GRACE_MS);
  }
  rmSync(pidFile, { force: true });
  return true;
}

/**
 * Runs `command` under util-linux's setpriv, where it is installed, with Linux's parent-death signal:
 * the kernel then stops it when this process dies, however it dies (SIGKILL, a Ctrl-C that tsx turns
 * into SIGKILL while start-up keeps the event loop busy).
 */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const setpriv = path.join(dir, 'setpriv');
    try {
      accessSync(setpriv, constants.X_OK);
      return [setpriv, ['--pdeathsig', 'SIGTERM', '--', command, ...args]];
    } catch {
      // not in this directory
    }
  }
  return [command, args];
}

/**
 * Starts `temporal server start-dev` with its state in `dataDir`, so requests survive restarts.
 * The child gets its own process group so a Ctrl-C reaches us first and we stop it in order; it is
 * still stopped when this process dies, and a start after a crash stops any left behind.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const host = '127.0.0.1';
  // Absolute, so that the left-behind server's command line names the same file from any directory.
  const dbFile = path.resolve(options.dataDir, 'temporal.db');
  const pidFile = path.join(options.dataDir, 'dev-server.pid');
  const leftBehind = await stopLeftBehind(pidFile, dbFile, options.dataDir, options.log);
  for (const [setting, port] of [
    ['ILL_TEMPORAL_DEV_PORT', options.port],
    ['ILL_TEMPORAL_UI_PORT', options.uiPort],
  ] as const) {
    if (leftBehind ? !(await waitUntilClosed(host, port, 5_000)) : await isListening(host, port)) {
      throw new SettingError(
        setting,
        `${host}:${port} is already in use; stop what listens there, choose another port, or set TEMPORAL_ADDRESS to use a running Temporal server`,
      );
    }
  }
  mkdirSync(options.dataDir, { recursive: true });
  const log = openSync(path.join(options.dataDir, 'temporal.log'), 'a');
  const [command, args] = withParentDeathSignal(options.cliPath, [
    'server', 'start-dev',
    '--ip', host,
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--db-filename', dbFile,
    '--namespace', options.namespace,
    '--log-level', 'warn',
    ...devServerSearchAttributeArgs(),
  ]);
  // setpriv replaces itself with the server: the pid is the server's, and so is its command line.
  const child = spawn(command, args, { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  if (child.pid !== undefined) writeFileSync(pidFile, JSON.stringify({ pid: child.pid, parent: process.pid } satisfies PidFile));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    const done = () => {
      exited = true;
      rmSync(pidFile, { force: true });
      resolve();
    };
    child.once('exit', done);
    child.once('error', done);
  });

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
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    },
  };
}
