import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lookupHoldings } from '../rules/holdings';
import { openDatabase, type Database } from '../engine/db/database';
import { freePort } from '../engine/net';
import { NetworkHolder } from '../engine/network';
import { RequestService } from '../engine/requests';
import { KnexRequestStore } from '../engine/store/knex-store';
import type { IllRequest } from '../domain/request';
import { connectTestTemporal, type TemporalHarness } from '../test/harness';
import { requestWorkflowId, statusQuery } from './definitions';
import { RUN_TYPESCRIPT } from '../test/typescript';

// A worker process dies (SIGKILL) with a hundred requests in flight and another takes over. Temporal
// hands the dead worker's workflow tasks on after their timeout and its activities after their
// start-to-close timeout (a minute), so this test takes a minute and more.

const root = path.resolve(__dirname, '..');
const REQUESTS = 100;

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<void>;
  output: () => string;
}

let temporal: TemporalHarness;
let database: Database;
let pglite: { db: PGlite; server: PGLiteSocketServer } | undefined;
let databaseEnv: Record<string, string>;
let journal: string;
const workers: WorkerProcess[] = [];
const ids: string[] = [];

function startWorker(): Promise<WorkerProcess> {
  // Node with the loader rather than the tsx command, which runs the script in a child of its own
  // that a SIGKILL to the command would leave running.
  const child = spawn(process.execPath, [...RUN_TYPESCRIPT, path.join(root, 'test/fixtures/lifecycle-worker.ts')], {
    cwd: root,
    env: {
      ...process.env,
      ...databaseEnv,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      ILL_TASK_QUEUE: temporal.taskQueue,
      ILL_SUPPLIER_JOURNAL: journal,
      ILL_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const worker = { child, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())), output: () => output };
  workers.push(worker);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start within 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (/^ready$/m.test(output)) {
        clearTimeout(timer);
        resolve(worker);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
}

async function kill(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await worker.exited;
}

/** The shipped sample under a fresh id, from a journal of its own. */
function sample(n: number, run: string, network: NetworkHolder): IllRequest {
  const { $schema: _schema, ...request } = JSON.parse(readFileSync(path.join(root, 'config/requests/chinese-article-ppv.json'), 'utf8'));
  const { issn: _issn, ...citation } = request.citation;
  return {
    ...request,
    id: `${request.id}-${run}-${n}`,
    // From the 11th copy from one journal in a year the rules have a librarian review the request, which
    // is not under test; the holders named here route each request as the sample is routed.
    holdings: lookupHoldings(network.current().config, request),
    citation: { ...citation, journalTitle: `${citation.journalTitle} ${n}` },
  };
}

/** Each request's latest recorded status; a request missing has not recorded one yet. */
async function latestStatuses(): Promise<Map<string, string>> {
  const rows: { request_id: string; status: string }[] = await database
    .db('request_events')
    .distinctOn('request_id')
    .select('request_id', 'status')
    .orderBy([{ column: 'request_id' }, { column: 'seq', order: 'desc' }]);
  return new Map(rows.map((row) => [row.request_id, row.status]));
}

const countDelivered = (statuses: Map<string, string>) => [...statuses.values()].filter((status) => status === 'delivered').length;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${await what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  temporal = await connectTestTemporal();
  journal = path.join(mkdtempSync(path.join(os.tmpdir(), 'ill-crash-')), 'journal.jsonl');
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = `t_${randomUUID().replaceAll('-', '')}`;
    database = await openDatabase({ url, schema });
    databaseEnv = { DATABASE_URL: url, ILL_DATABASE_SCHEMA: schema };
  } else {
    // openDatabase's embedded server takes a single connection, its own process's; here the pools of
    // the test and of each worker share it.
    const db = await PGlite.create('memory://');
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: await freePort(), maxConnections: 64 });
    await server.start();
    pglite = { db, server };
    const embedded = `postgres://postgres@${server.getServerConn()}/postgres`;
    database = await openDatabase({ url: embedded });
    databaseEnv = { DATABASE_URL: embedded, ILL_DATABASE_SCHEMA: '' };
  }
});

afterAll(async () => {
  await Promise.all(workers.map(kill));
  // Delivered requests wait days for their links to expire; nothing is left to run them.
  await Promise.all(ids.map((id) => temporal?.client.workflow.getHandle(requestWorkflowId(id)).terminate('test over').catch(() => undefined)));
  await database?.close();
  await pglite?.server.stop();
  await pglite?.db.close();
  await temporal?.close();
  if (journal) rmSync(path.dirname(journal), { recursive: true, force: true });
});

describe('a worker killed with requests in flight', () => {
  it('loses no request, repeats no order under a new key and charges once when another worker takes over', async () => {
    const started = Date.now();
    const network = new NetworkHolder(path.join(root, 'config'));
    const service = new RequestService(temporal.client, new KnexRequestStore(database.db), network, temporal.taskQueue);
    const run = randomUUID().slice(0, 8);
    const requests = Array.from({ length: REQUESTS }, (_, n) => sample(n + 1, run, network));
    ids.push(...requests.map((request) => request.id));
    expect((await Promise.all(requests.map((request) => service.submit(request)))).map((result) => result.outcome)).toEqual(
      requests.map(() => 'created'),
    );

    const first = await startWorker();
    await waitFor(async () => countDelivered(await latestStatuses()) >= REQUESTS / 3, 60_000, async () => `a third delivered: ${first.output()}`);
    await kill(first);
    const killedAt = Date.now();
    const atKill = await latestStatuses();
    const inFlight = requests.map((request) => atKill.get(request.id) ?? 'not started').filter((status) => status !== 'delivered');
    // A worker fast enough to deliver everything between two looks would leave nothing to test.
    expect(inFlight.length).toBeGreaterThanOrEqual(REQUESTS / 3);

    const second = await startWorker();
    await waitFor(
      async () => countDelivered(await latestStatuses()) === REQUESTS,
      150_000,
      async () => {
        const now = await latestStatuses();
        return `every request delivered; still waiting: ${JSON.stringify(tally(requests.map((r) => now.get(r.id) ?? 'not started').filter((s) => s !== 'delivered')))}\n${second.output()}`;
      },
    );
    const finished = Date.now();

    // Delivered is as far as a copy goes in this test: the request completes only when its link
    // expires, days later.
    const states = await Promise.all(requests.map((request) => temporal.client.workflow.getHandle(requestWorkflowId(request.id)).query(statusQuery)));
    expect(states.filter((state) => state.status !== 'delivered').map((state) => [state.requestId, state.status])).toEqual([]);

    // Each supplier a request went to had one order under one key, however often it was sent.
    const orders = readFileSync(journal, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { kind: string; key: string; requestId: string; supplierId: string })
      .filter((entry) => entry.kind === 'order');
    const keysPerTry = new Map<string, Set<string>>();
    for (const order of orders) {
      const supplierTry = `${order.requestId} ${order.supplierId}`;
      keysPerTry.set(supplierTry, (keysPerTry.get(supplierTry) ?? new Set()).add(order.key));
    }
    expect([...keysPerTry].filter(([, keys]) => keys.size > 1).map(([supplierTry, keys]) => `${supplierTry}: ${[...keys].join(', ')}`)).toEqual([]);
    const ordered = new Set(orders.map((order) => order.requestId));
    expect(requests.filter((request) => !ordered.has(request.id)).map((request) => request.id)).toEqual([]);
    const repeats = orders.length - new Set(orders.map((order) => order.key)).size;

    // The copy a reader gets comes from the supplier tried last, even when an earlier one answered twice.
    const lastTried = new Map<string, { attempt: number; supplierId: string }>();
    for (const order of orders) {
      const attempt = Number(order.key.split(':send:')[1]);
      if ((lastTried.get(order.requestId)?.attempt ?? 0) < attempt) lastTried.set(order.requestId, { attempt, supplierId: order.supplierId });
    }
    expect(states.filter((state) => state.delivery?.supplierId !== lastTried.get(state.requestId)?.supplierId).map((state) => state.requestId)).toEqual([]);

    const charges: { request_id: string; count: string | number }[] = await database.db('charges').select('request_id').count({ count: '*' }).groupBy('request_id');
    const chargeCounts = new Map(charges.map((row) => [row.request_id, Number(row.count)]));
    expect(requests.filter((request) => chargeCounts.get(request.id) !== 1).map((request) => [request.id, chargeCounts.get(request.id) ?? 0])).toEqual([]);
    // Each charge is in the centre's ledger once, balanced: the library charged the price once, and every posting paired.
    const postings: { request_id: string; kind: string; account_kind: string; amount_minor: string | number }[] = await database.db('ledger_postings').select('request_id', 'kind', 'account_kind', 'amount_minor');
    const unbalanced = requests.filter((request) => {
      const own = postings.filter((posting) => posting.request_id === request.id);
      return own.filter((posting) => posting.kind === 'price' && posting.account_kind === 'library').length !== 1 || own.reduce((sum, posting) => sum + Number(posting.amount_minor), 0) !== 0;
    });
    expect(unbalanced.map((request) => request.id)).toEqual([]);

    const events: { event_key: string; request_id: string; status: string }[] = await database
      .db('request_events')
      .select('event_key', 'request_id', 'status')
      .orderBy('seq');
    const eventKeys = events.map((event) => event.event_key);
    expect(eventKeys.filter((key, index) => eventKeys.indexOf(key) !== index)).toEqual([]);
    const outOfOrder = requests.flatMap((request) => {
      const trail = events.filter((event) => event.request_id === request.id);
      // A status is recorded again whenever the workflow notes something in it; the phases still follow in order.
      const phases = trail.map((event) => event.status).filter((status, index, all) => status !== all[index - 1]);
      const numbers = trail.map((event) => Number(event.event_key.slice(event.event_key.lastIndexOf(':') + 1)));
      const inOrder =
        phases.join(' ') === 'submitted checking routing with-supplier delivered' && numbers.every((number, index) => number === index + 1);
      return inOrder ? [] : [`${request.id}: ${trail.map((event) => `${event.event_key} ${event.status}`).join(', ')}`];
    });
    expect(outOfOrder).toEqual([]);

    const furtherTries = keysPerTry.size - REQUESTS;
    console.info(
      `worker A killed ${((killedAt - started) / 1000).toFixed(1)} s in, ${inFlight.length} of ${REQUESTS} requests in flight ` +
        `${JSON.stringify(tally(inFlight))}; all delivered ${((finished - killedAt) / 1000).toFixed(1)} s after the kill; ` +
        `${repeats} order(s) sent again under their key; ${furtherTries} request(s) went on to a further supplier`,
    );
  }, 180_000);
});
