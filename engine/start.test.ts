import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RUN_TYPESCRIPT } from '../test/typescript';
import { freePort, isListening } from './net';

// `npm start` as an operator meets it: a real process with its own Temporal dev server and PGlite.

const root = path.resolve(__dirname, '..');

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

const running = new Set<ChildProcess>();

// A test that fails half-way still stops what it started, so that the next one finds its ports free.
afterEach(() => {
  for (const child of running) child.kill('SIGINT');
});

/** `detached` gives the start a process group of its own, as a terminal gives `npm start`. */
function start(env: Record<string, string>, { detached = false } = {}): Started {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, [...RUN_TYPESCRIPT, 'engine/start.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, TEMPORAL_CLI: process.env.TEMPORAL_CLI ?? '', LOG_LEVEL: 'warn', ...env },
    detached,
  });
  running.add(child);
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function ready(started: Started): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const match = /a librarian token[^\n]*\n\s+(\S+)/.exec(started.stdout());
    if (match) return match[1]!;
    if (started.child.exitCode !== null) throw new Error(`exited: ${started.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready: ${started.stdout()} ${started.stderr()}`);
}

/** Whether `pid` runs: neither gone nor a zombie nobody reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return done();
}

async function embeddedEnv() {
  return {
    ILL_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ill-start-')),
    PORT: String(await freePort()),
    ILL_TEMPORAL_DEV_PORT: String(await freePort()),
    ILL_TEMPORAL_UI_PORT: String(await freePort()),
  };
}

// Each by a reader of its own: one reader asking twice for the book while it is open is refused.
const loan = (id: string) => ({
  id,
  requester: { libraryId: 'pku', patronId: `p-${id}` },
  service: 'loan',
  citation: { title: 'Selected Works of Lu Xun', isbn: '9787020024759', language: 'zh' },
  urgency: 'normal',
});

async function submit(api: string, token: string, id: string): Promise<number> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return (await fetch(`${api}/api/requests`, { method: 'POST', headers, body: JSON.stringify(loan(id)) })).status;
}

async function expectKept(api: string, token: string, id: string) {
  const read = await fetch(`${api}/api/requests/${id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(read.status).toBe(200);
  const kept = (await read.json()) as { history: unknown[] };
  expect(kept).toMatchObject({ id, history: [{ status: 'submitted' }, ...kept.history.slice(1)] });
  expect(kept.history.length).toBeGreaterThan(1);
}

/** SIGINT to start.ts, as a terminal's Ctrl-C gives it. */
function interrupt(started: Started) {
  started.child.kill('SIGINT');
}

async function stopWithCtrlC(started: Started, env: Record<string, string>) {
  interrupt(started);
  expect(await started.exit).toBe(0);
  expect(await isListening('127.0.0.1', Number(env.ILL_TEMPORAL_DEV_PORT))).toBe(false);
  expect(await isListening('127.0.0.1', Number(env.PORT))).toBe(false);
}

// Each start bundles the workflows and opens PGlite: tens of seconds on a small machine.
describe('npm start on embedded defaults', { timeout: 240_000 }, () => {
  it('runs the service, stops every child on Ctrl-C, and keeps requests across a restart', async () => {
    const env = await embeddedEnv();
    const api = `http://127.0.0.1:${env.PORT}`;
    const first = start(env);
    const token = await ready(first);
    expect(first.stdout()).toContain(`web UI: http://127.0.0.1:${env.ILL_TEMPORAL_UI_PORT}`);
    expect(await (await fetch(`${api}/healthz`)).json()).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });
    expect(await submit(api, token, 'restart-1')).toBe(201);
    await stopWithCtrlC(first, env);

    const second = start(env);
    await expectKept(api, await ready(second), 'restart-1');
    await stopWithCtrlC(second, env);
  });

  it('starts again on the same data after the whole start was killed, whether or not its dev server stopped with it', async () => {
    const env = await embeddedEnv();
    const api = `http://127.0.0.1:${env.PORT}`;
    const pidFile = path.join(env.ILL_DATA_DIR, 'temporal/dev-server.pid');
    const devServer = () => (JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number }).pid;

    const first = start(env, { detached: true });
    expect(await submit(api, await ready(first), 'crash-1')).toBe(201);
    const other = { ...env, PORT: String(await freePort()), ILL_TEMPORAL_DEV_PORT: String(await freePort()), ILL_TEMPORAL_UI_PORT: String(await freePort()) };
    const beside = start(other);
    expect(await beside.exit).toBe(2);
    expect(beside.stderr().trim()).toMatch(/^ill: ILL_DATA_DIR: \S+ is in use by the start with pid \d+; stop that one first, or choose another data directory$/);
    expect(await (await fetch(`${api}/healthz`)).json()).toMatchObject({ status: 'ok' });

    // SIGKILL runs nothing of ours; the dev server, in a process group of its own, stops with its parent.
    const orphan = devServer();
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.exit;
    expect(await until(() => !alive(orphan), 10_000)).toBe(true);

    const second = start(env, { detached: true });
    const token = await ready(second);
    await expectKept(api, token, 'crash-1');
    expect(await submit(api, token, 'crash-2')).toBe(201);

    // A stopped dev server cannot act on its parent's death: it stands for one that outlives its start.
    const survivor = devServer();
    process.kill(survivor, 'SIGSTOP');
    process.kill(-second.child.pid!, 'SIGKILL');
    await second.exit;
    expect(alive(survivor)).toBe(true);

    const third = start(env);
    const again = await ready(third);
    expect(third.stdout()).toContain('stopping the Temporal dev server an earlier start left running');
    expect(alive(survivor)).toBe(false);
    await expectKept(api, again, 'crash-1');
    await expectKept(api, again, 'crash-2');
    await stopWithCtrlC(third, env);
  });

  it('answers /healthz with 503 until the worker runs, and an interrupt then stops what has started and nothing more starts', async () => {
    const env = await embeddedEnv();
    const first = start(env);
    let health: Response | undefined;
    while (!health) {
      if (first.child.exitCode !== null) throw new Error(`exited: ${first.stderr()}`);
      health = await fetch(`http://127.0.0.1:${env.PORT}/healthz`).catch(() => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    interrupt(first);
    expect(first.stdout()).not.toContain('ILL engine ready');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', temporal: 'unavailable: the worker is not running yet', database: 'ok' });
    expect(await first.exit).toBe(0);
    expect(first.stdout()).not.toContain('ILL engine ready');
    expect(await isListening('127.0.0.1', Number(env.ILL_TEMPORAL_DEV_PORT))).toBe(false);
    expect(await isListening('127.0.0.1', Number(env.PORT))).toBe(false);

    const second = start(env);
    await ready(second);
    await stopWithCtrlC(second, env);
  });
});

describe('start-up mistakes', () => {
  async function failure(env: Record<string, string>) {
    const started = start({ ILL_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ill-bad-')), ...env });
    const code = await started.exit;
    return { code, stderr: started.stderr().trim() };
  }

  it('names an invalid setting in one line and exits 2', async () => {
    const { code, stderr } = await failure({ PORT: 'eighty' });
    expect(code).toBe(2);
    expect(stderr).toBe('ill: PORT: "eighty" is not a port number (1-65535)');
  });

  it('names an unreachable TEMPORAL_ADDRESS', async () => {
    const { code, stderr } = await failure({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`, PORT: String(await freePort()) });
    expect(code).toBe(2);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^ill: TEMPORAL_ADDRESS: cannot reach Temporal/);
  });

  it('names an unreachable DATABASE_URL without its password', async () => {
    const { code, stderr } = await failure({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      DATABASE_URL: `postgres://ill:secret@127.0.0.1:${await freePort()}/ill`,
      PORT: String(await freePort()),
    });
    expect(code).toBe(2);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^ill: DATABASE_URL: cannot connect to postgres:\/\/ill:\*\*\*@127\.0\.0\.1/);
    expect(stderr).not.toContain('secret');
  });

  it('names the Temporal port held by a server not ours in one line, and leaves that server alone', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ill-bad-'));
    // Another data directory's dev server, as its command line shows; a pid file left here by a
    // power loss names it, the kernel having given its pid away since.
    const listen = `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`;
    const holder = spawn(process.execPath, ['-e', listen, 'server', 'start-dev', '--db-filename', path.join(os.tmpdir(), 'elsewhere.db')]);
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      mkdirSync(path.join(dataDir, 'temporal'));
      writeFileSync(path.join(dataDir, 'temporal/dev-server.pid'), JSON.stringify({ pid: holder.pid, parent: 1 }));
      const { code, stderr } = await failure({ ILL_DATA_DIR: dataDir, ILL_TEMPORAL_DEV_PORT: String(port), PORT: String(await freePort()) });
      expect(stderr).toBe(
        `ill: ILL_TEMPORAL_DEV_PORT: 127.0.0.1:${port} is already in use; stop what listens there, choose another port, or set TEMPORAL_ADDRESS to use a running Temporal server`,
      );
      expect(code).toBe(2);
      expect(holder.exitCode).toBeNull();
      expect(await isListening('127.0.0.1', port)).toBe(true);
    } finally {
      holder.kill();
    }
  });

  it('names a port already in use', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const { code, stderr } = await failure({ TEMPORAL_ADDRESS: inject('temporalAddress'), PORT: String(port), ILL_TASK_QUEUE: 'port-test' });
      expect(code).toBe(2);
      expect(stderr).toBe(`ill: PORT: 127.0.0.1:${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
