import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { expect, inject, onTestFailed } from 'vitest';
import { TokenAuthority, type Role } from '../engine/auth/tokens';
import { freePort, waitUntilListening } from '../engine/net';
import { shippedNetworkOnOwnPort } from '../simulator/shipped-network';
import { apiClient, type TestService } from './service';
import { RUN_TYPESCRIPT } from './typescript';

// The service as `npm start` starts it, in a process of its own, with the supplier simulator as
// `npm run simulator` starts it beside it: what an operator trying the network runs, so that the
// scenarios cover start-up, settings, the shipped configuration and the simulated suppliers too.

const ROOT = path.resolve(__dirname, '..');
/** pino's level for errors: one logged means something went wrong that no page showed. */
const ERROR_LEVEL = 50;

export interface StartedService extends Pick<TestService, 'call' | 'until' | 'token'> {
  /** The workbench and API. */
  url: string;
  /** The simulated suppliers' systems. */
  simulatorUrl: string;
  /** The service's configuration: a copy of config/ of its own, which a test may change (and reload) as an administrator would. */
  configDir: string;
  /** The service's log entries so far, as pino wrote them. */
  logEntries(): Record<string, any>[];
  /** The token the sign-in page hands out for the development identity of `role`. */
  identityToken(role: Role): Promise<string>;
  /** Should the running test fail, prints where the request stands and what the service logged: a run in CI leaves nothing else to look at. */
  explainOnFailure(requestId: string): void;
  /** Ctrl-C to both processes; fails if either does not exit cleanly, or if the service logged an error. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Milliseconds standing for an hour of a simulated supplier's turnaround: small, so a test need not wait. */
  msPerHour?: number;
  /** Faults the simulator strikes with (ILL_SIMULATOR_FAULTS); none unless given. */
  simulatorFaults?: string;
  /** More settings for the service; its configuration stays the copy at `configDir`, which the simulator reads too. */
  env?: Record<string, string>;
}

interface Child {
  process: ChildProcess;
  output(): string;
  exit: Promise<number | null>;
}

function run(script: string, env: Record<string, string>): Child {
  let output = '';
  const child = spawn(process.execPath, [...RUN_TYPESCRIPT, script], {
    cwd: ROOT,
    // Only what the service is given here: nothing of the test run's own environment leaks in.
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { process: child, output: () => output, exit: new Promise((resolve) => child.once('exit', resolve)) };
}

/** The JSON lines pino wrote among what the process printed. */
function entriesOf(output: string): Record<string, any>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        return [];
      }
    });
}

async function healthy(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`the service exited with ${child.process.exitCode}:\n${child.output()}`);
    const ok = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the service did not answer /healthz within ${timeoutMs} ms:\n${child.output()}`);
}

async function interrupt(child: Child, name: string): Promise<void> {
  if (child.process.exitCode !== null) return;
  child.process.kill('SIGINT');
  const code = await Promise.race([child.exit, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000))]);
  if (code === 'hung') child.process.kill('SIGKILL');
  expect(code, `${name} on Ctrl-C:\n${child.output().slice(-2_000)}`).toBe(0);
}

/**
 * `npm start` on the run's Temporal server (so it starts no dev server of its own) with a task
 * queue, database and port of its own, its development identities on offer, and the shipped
 * network's suppliers simulated by `npm run simulator` on a port of the run's own.
 */
export async function startAsNpmStart({ msPerHour = 5, simulatorFaults = '', env = {} }: StartOptions = {}): Promise<StartedService> {
  const { configDir, port: simulatorPort } = await shippedNetworkOnOwnPort();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A secret of the test's own, so that it can hand tokens of any role and library to the browser.
  const authSecret = randomBytes(24).toString('hex');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ill-started-'));
  const databaseUrl = process.env.DATABASE_URL;
  const databaseSchema = `s_${randomUUID().replaceAll('-', '')}`;
  const service = run('engine/start.ts', {
    PORT: String(port),
    ILL_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: databaseSchema } : {}),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    ILL_TASK_QUEUE: `started-${randomUUID()}`,
    ILL_AUTH_SECRET: authSecret,
    ILL_DEV_SIGN_IN: 'on',
    LOG_LEVEL: 'warn',
    ...env,
    ILL_CONFIG_DIR: configDir,
  });
  const simulator = run('simulator/main.ts', {
    ILL_CONFIG_DIR: configDir,
    ILL_SIMULATOR_PORT: String(simulatorPort),
    ILL_PUBLIC_URL: url,
    ILL_SIMULATOR_MS_PER_HOUR: String(msPerHour),
    ILL_SIMULATOR_FAULTS: simulatorFaults,
  });
  // What the run made for itself goes with it, whether or not it stopped cleanly.
  const removeLeftovers = async () => {
    for (const dir of [dataDir, configDir]) rmSync(dir, { recursive: true, force: true });
    if (!databaseUrl) return;
    const db = knex({ client: 'pg', connection: databaseUrl });
    try {
      await db.raw('drop schema if exists ?? cascade', [databaseSchema]);
    } finally {
      await db.destroy();
    }
  };
  const stop = async () => {
    try {
      await Promise.all([interrupt(service, 'the service'), interrupt(simulator, 'the simulator')]);
    } finally {
      await removeLeftovers();
    }
    const errors = entriesOf(service.output()).filter((entry) => entry.level >= ERROR_LEVEL);
    expect(errors, 'errors the service logged').toEqual([]);
  };
  try {
    // Each start bundles the workflows, as `npm start` does: tens of seconds on a small machine.
    await healthy(url, service, 150_000);
    if (!(await waitUntilListening('127.0.0.1', simulatorPort, 30_000))) throw new Error(`the simulator did not listen:\n${simulator.output()}`);
  } catch (error) {
    for (const child of [service, simulator]) child.process.kill('SIGKILL');
    await Promise.all([service.exit, simulator.exit]);
    await removeLeftovers();
    throw error;
  }
  const tokens = new TokenAuthority(authSecret);
  const api = apiClient(url);
  const token = (role: Role, libraryId: string, subject = `${role}@${libraryId}`) => tokens.issue({ role, libraryId, subject });
  return {
    url,
    simulatorUrl: `http://127.0.0.1:${simulatorPort}`,
    configDir,
    ...api,
    token,
    logEntries: () => entriesOf(service.output()),
    identityToken: async (role) => {
      const { body } = await api.call('GET', '/api/workbench');
      return body.devIdentities.find((identity: { role: string }) => identity.role === role).token;
    },
    explainOnFailure: (requestId) =>
      onTestFailed(async () => {
        const { body } = await api.call('GET', `/api/requests/${requestId}`, await token('administrator', 'centre'));
        console.error(`request ${requestId}:`, JSON.stringify({ status: body.status, supplier: body.supplier, history: body.history, tasks: body.tasks }, null, 1));
        console.error('the service logged:', JSON.stringify(entriesOf(service.output()), null, 1));
      }),
    stop,
  };
}
