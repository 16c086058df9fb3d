import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freePort, isListening } from './net';

// `npm start` as an operator meets it: a real process with its own Temporal dev server and PGlite.

const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  let stdout = '';
  let stderr = '';
  const child = spawn(tsx, ['engine/start.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, TEMPORAL_CLI: process.env.TEMPORAL_CLI ?? '', LOG_LEVEL: 'warn', ...env },
  });
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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

async function embeddedEnv() {
  return {
    ILL_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ill-start-')),
    PORT: String(await freePort()),
    ILL_TEMPORAL_DEV_PORT: String(await freePort()),
    ILL_TEMPORAL_UI_PORT: String(await freePort()),
  };
}

describe('npm start on embedded defaults', () => {
  it('runs the service, stops every child on Ctrl-C, and keeps requests across a restart', async () => {
    const env = await embeddedEnv();
    const api = `http://127.0.0.1:${env.PORT}`;
    const first = start(env);
    const token = await ready(first);
    expect(first.stdout()).toContain(`web UI: http://127.0.0.1:${env.ILL_TEMPORAL_UI_PORT}`);
    expect(await (await fetch(`${api}/healthz`)).json()).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });

    const body = {
      id: 'restart-1',
      requester: { libraryId: 'pku', patronId: 'p-1' },
      service: 'loan',
      citation: { title: 'Selected Works of Lu Xun', isbn: '9787020024759', language: 'zh' },
      urgency: 'normal',
    };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await fetch(`${api}/api/requests`, { method: 'POST', headers: auth, body: JSON.stringify(body) })).status).toBe(201);

    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    expect(await isListening('127.0.0.1', Number(env.ILL_TEMPORAL_DEV_PORT))).toBe(false);
    expect(await isListening('127.0.0.1', Number(env.PORT))).toBe(false);

    const second = start(env);
    const again = await ready(second);
    const read = await fetch(`${api}/api/requests/restart-1`, { headers: { authorization: `Bearer ${again}` } });
    expect(read.status).toBe(200);
    const kept = (await read.json()) as { history: unknown[] };
    expect(kept).toMatchObject({ id: 'restart-1', history: [{ status: 'submitted' }, ...kept.history.slice(1)] });
    expect(kept.history.length).toBeGreaterThan(1);
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
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
