import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pino from 'pino';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { parseMessage, type SupplyingAgencyMessage } from '../adapters/iso18626';
import type { RequestState } from '../domain/request-state';
import type { Iso18626Status } from '../domain/supplier-messages';
import { fakeIso18626Peer, type FakePeerOptions } from '../simulator/iso18626-peer';
import { listen } from '../simulator/vendor';
import { networkWithKerisAt } from '../test/fixtures/iso18626-network';
import { connectTestTemporal, type TemporalHarness } from '../test/harness';
import { sampleRequest } from '../test/service';
import { requestWorkflowId, statusQuery } from '../workflows/definitions';
import { createApp } from './api/app';
import { TokenAuthority } from './auth/tokens';
import { openDatabase, type Database } from './db/database';
import { ConfigHistory } from './store/config-history';
import { Reports } from './store/reports';
import { LendingService } from './lending';
import { freePort } from './net';
import { NetworkHolder } from './network';
import { RequestService } from './requests';
import { KnexRequestStore } from './store/knex-store';
import { RUN_TYPESCRIPT } from '../test/typescript';

// The requesting side of ISO 18626 when the worker dies: the network's requests have gone to a peer,
// whose supplyingAgencyMessages stream into POST /iso18626 while the worker process is SIGKILLed; for a
// while no worker runs at all, then another starts. The API (Koa and its Temporal client) runs in this
// process and keeps answering; the worker runs in a child (test/fixtures/service-worker.ts). The peer
// behaves as a real one: it waits at most PEER_TIMEOUT_MS for a confirmation and sends the same message
// again after a timeout, an HTTP error or an ERROR confirmation. A message no worker takes within the
// route's 15 s is refused with an ERROR confirmation saying to send it again, so the outage lasts until
// the first such refusal. Every message must be acted on once and once only. Temporal hands the dead
// worker's tasks on after their timeouts (10 s for a workflow task on its sticky queue, 15 s for an
// activity): the test takes about 40 s, and a minute with starting the service around it.

const root = path.resolve(__dirname, '..');
const REQUESTS = 40;
const PEER_TIMEOUT_MS = 25_000;
/** What the peer says about each request, in order. */
const ANSWERS: Iso18626Status[] = ['RequestReceived', 'ExpectToSupply', 'WillSupply', 'CopyCompleted'];
const copyUrl = (requestId: string) => `https://keris.example/copies/${requestId}`;

interface ChildWorker {
  child: ChildProcess;
  exited: Promise<unknown>;
  log: string[];
}

/** One try of the peer to deliver one message, as it ended. */
interface Attempt {
  requestId: string;
  status: string;
  startedAt: number;
  /** `OK`, `timeout`, `HTTP <status>`, or `ERROR <errorType>: <errorValue>`. */
  outcome: string;
}

let temporal: TemporalHarness;
let database: Database;
let embedded: { db: PGlite; server: PGLiteSocketServer } | undefined;
let workerEnv: Record<string, string>;
let configDir: string;
let api: { url: string; close: () => Promise<void> };
let peerServer: { url: string; close: () => Promise<void> };
let relayServer: { url: string; close: () => Promise<void> };
const children: ChildWorker[] = [];
const ids: string[] = [];
/** Every HTTP status POST /iso18626 answered with, including answers nobody waited for any more. */
const answered: number[] = [];
let answering = 0;
const attempts: Attempt[] = [];
/** Ends the peer's retries when the test is over, whatever became of it. */
const stopping = new AbortController();
/** How often the network sent the peer each request: a send retried by the new worker repeats it. */
const requestsSeen = new Map<string, number>();

const peerOptions: FakePeerOptions = {
  callbackUrl: '',
  // A peer takes a repeated request as the request it already has and answers it only once.
  answers: (request) => {
    const id = request.header.requestingAgencyRequestId;
    requestsSeen.set(id, (requestsSeen.get(id) ?? 0) + 1);
    if (requestsSeen.get(id)! > 1) return [];
    return ANSWERS.map((status) => (status === 'CopyCompleted' ? { status, url: copyUrl(id) } : { status }));
  },
  answerDelayMs: () => 150 + Math.random() * 600,
};
const peer = fakeIso18626Peer(peerOptions);

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One post of a message to the network, and what became of it. */
async function tryOnce(xml: string): Promise<{ outcome: string; text?: string }> {
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(PEER_TIMEOUT_MS), stopping.signal]);
    const response = await fetch(`${api.url}/iso18626`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml, signal });
    const text = await response.text();
    if (response.status !== 200) return { outcome: `HTTP ${response.status}` };
    const parsed = await parseMessage(text);
    if (!parsed.ok) return { outcome: `unreadable confirmation: ${parsed.errorValue}` };
    const confirmation = parsed.message as { confirmationHeader: { messageStatus: string }; errorData?: { errorType: string; errorValue?: string } };
    if (confirmation.confirmationHeader.messageStatus === 'OK') return { outcome: 'OK', text };
    return { outcome: `ERROR ${confirmation.errorData?.errorType}: ${confirmation.errorData?.errorValue}` };
  } catch (error) {
    return { outcome: (error as Error).name === 'TimeoutError' ? 'timeout' : `failed: ${(error as Error).message}` };
  }
}

/**
 * The peer's outgoing side: each message it posts goes to the network until it is confirmed OK,
 * again after a timeout, an HTTP error or an ERROR confirmation, with a short pause in between.
 */
async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const xml = await bodyOf(req);
  const parsed = await parseMessage(xml);
  const message = parsed.ok ? (parsed.message as SupplyingAgencyMessage) : undefined;
  const requestId = message?.header.requestingAgencyRequestId ?? '?';
  const status = message?.statusInfo.status ?? '?';
  const giveUpAt = Date.now() + 90_000;
  for (;;) {
    const startedAt = Date.now();
    const { outcome, text } = await tryOnce(xml);
    attempts.push({ requestId, status, startedAt, outcome });
    if (text !== undefined || Date.now() > giveUpAt || stopping.signal.aborted) {
      res.setHeader('content-type', 'application/xml');
      res.end(text ?? '');
      return;
    }
    await sleep(250);
  }
}

/** The network's HTTP API as the service serves it, with every answer to POST /iso18626 counted. */
function serveApi(requests: RequestService, store: KnexRequestStore, network: NetworkHolder) {
  const app = createApp({
    log: pino({ level: 'error' }),
    settings: { agencyId: 'ISIL:CN-CALIS' },
    tokens: new TokenAuthority(randomBytes(32).toString('hex')),
    store,
    reports: new Reports(database.db),
    configHistory: new ConfigHistory(database.db),
    network,
    requests,
    lending: new LendingService(temporal.client, store, network, temporal.taskQueue),
    health: { temporal: async () => undefined, database: () => store.ping() },
  });
  const handle = app.callback();
  return listen((req, res) => {
    if (req.url !== '/iso18626') return void handle(req, res);
    // Counted when the route has finished with the message, whether or not the peer still waits for the answer.
    answering += 1;
    void handle(req, res).finally(() => {
      answering -= 1;
      answered.push(res.statusCode);
    });
  });
}

function startWorker(): Promise<ChildWorker> {
  const child = spawn(process.execPath, [...RUN_TYPESCRIPT, path.join(root, 'test/fixtures/service-worker.ts')], {
    cwd: root,
    env: { ...process.env, ...workerEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: ChildWorker = { child, exited: new Promise((resolve) => child.once('exit', resolve)), log: [] };
  children.push(worker);
  return new Promise((resolve, reject) => {
    const failed = (why: string) => reject(new Error(`the worker ${why}:\n${worker.log.join('').slice(-5_000)}`));
    const timer = setTimeout(() => failed('was not ready within 60 s'), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => worker.log.push(chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      worker.log.push(chunk.toString());
      if (worker.log.join('').includes('ready\n')) {
        clearTimeout(timer);
        resolve(worker);
      }
    });
    void worker.exited.then(() => {
      clearTimeout(timer);
      failed('exited before it was ready');
    });
  });
}

async function killWorker(worker: ChildWorker): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await worker.exited;
}

async function until(what: () => string | Promise<string>, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${await what()}`);
    await sleep(100);
  }
}

/** How many of the requests have recorded a delivery in the audit trail. */
async function deliveredCount(requestIds: string[]): Promise<number> {
  const [row] = await database.db('request_events').where('status', 'delivered').whereIn('request_id', requestIds).countDistinct({ delivered: 'request_id' });
  return Number(row?.delivered ?? 0);
}

const tally = (values: string[]) => values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

/** What a history entry says happened: the supplier's status for one noted while with the supplier. */
const eventOf = (entry: RequestState['history'][number]) => (entry.status === 'with-supplier' ? (entry.note ?? '').split(/[;:]/)[0]! : entry.status);

beforeAll(async () => {
  temporal = await connectTestTemporal();
  let url = process.env.DATABASE_URL;
  let schema = '';
  if (url) {
    schema = `t_${randomUUID().replaceAll('-', '')}`;
  } else {
    // The worker process and this one share one in-memory PGlite through its PostgreSQL socket.
    const db = await PGlite.create('memory://');
    embedded = { db, server: new PGLiteSocketServer({ db, host: '127.0.0.1', port: await freePort(), maxConnections: 64 }) };
    await embedded.server.start();
    url = `postgres://postgres@${embedded.server.getServerConn()}/postgres`;
  }
  database = await openDatabase({ url, schema: schema || undefined });

  peerServer = await listen(peer);
  relayServer = await listen((req, res) => void relay(req, res));
  peerOptions.callbackUrl = `${relayServer.url}/iso18626`;
  configDir = networkWithKerisAt(peerServer.url);

  const network = new NetworkHolder(configDir);
  const store = new KnexRequestStore(database.db);
  api = await serveApi(new RequestService(temporal.client, store, network, temporal.taskQueue), store, network);
  workerEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    ILL_TASK_QUEUE: temporal.taskQueue,
    DATABASE_URL: url,
    DATABASE_SCHEMA: schema,
    ILL_CONFIG_DIR: configDir,
    ILL_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
  };
});

afterAll(async () => {
  stopping.abort();
  await peer.settled().catch(() => undefined);
  await Promise.all(children.map(killWorker));
  // Delivered copies wait days for their links to expire; nothing is left to run them.
  await Promise.all(ids.map((id) => temporal?.client.workflow.getHandle(requestWorkflowId(id)).terminate('test over').catch(() => undefined)));
  await until(() => 'the API to finish answering', () => answering === 0, 10_000).catch(() => undefined);
  await api?.close();
  await relayServer?.close();
  await peerServer?.close();
  await database?.close();
  await embedded?.server.stop();
  await embedded?.db.close();
  await temporal?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('a worker killed while an ISO 18626 peer’s messages arrive', () => {
  it('loses none of them and acts on each exactly once once another worker takes over', async () => {
    const started = Date.now();
    const network = new NetworkHolder(configDir);
    const requests = new RequestService(temporal.client, new KnexRequestStore(database.db), network, temporal.taskQueue);
    const run = randomUUID().slice(0, 8);
    const batch = Array.from({ length: REQUESTS }, (_, n) => {
      const request = sampleRequest('korean-article-keris', `crash-${run}-${n}`);
      // From the 11th copy from one journal title in a year a librarian reviews the request, which is not under test.
      return { ...request, citation: { ...request.citation, journalTitle: `${request.citation.journalTitle} ${n}` } };
    });
    ids.push(...batch.map((request) => request.id));
    for (const request of batch) expect((await requests.submit(request)).outcome).toBe('created');

    const total = REQUESTS * ANSWERS.length;
    const confirmed = () => attempts.filter((attempt) => attempt.outcome === 'OK').length;
    const first = await startWorker();
    await until(() => `a third of the peer's messages confirmed (${confirmed()} of ${total})\n${first.log.join('')}`, () => confirmed() >= total / 3, 60_000);
    await killWorker(first);
    const killedAt = Date.now();
    const confirmedAtKill = confirmed();
    // A worker that got through everything between two looks would leave nothing to test.
    expect(total - confirmedAtKill).toBeGreaterThanOrEqual(total / 3);

    // With no worker at all the network still answers the peer: a message no request's workflow can
    // take now is refused with an ERROR confirmation, which the peer sends again.
    const refusedWithoutWorker = () => attempts.filter((attempt) => attempt.startedAt >= killedAt && attempt.outcome.startsWith('ERROR'));
    await until(
      () => `an answer to a message posted while no worker runs: ${JSON.stringify(tally(attempts.filter((a) => a.startedAt >= killedAt).map((a) => a.outcome)))}`,
      () => refusedWithoutWorker().length > 0,
      PEER_TIMEOUT_MS + 5_000,
    );
    const second = await startWorker();
    const secondReady = Date.now();
    await until(
      async () => `every request delivered; ${await deliveredCount(ids)} of ${REQUESTS} are\n${second.log.join('')}`,
      async () => (await deliveredCount(ids)) === REQUESTS,
      75_000,
    );
    await peer.settled();
    await until(() => `the API to answer every message it was sent (${answering} open)`, () => answering === 0, 30_000);
    const finished = Date.now();

    // No message was ever answered with a server error, not even one the peer had stopped waiting for.
    expect(answered.filter((status) => status >= 500)).toEqual([]);
    // Every message the peer sent was answered before the peer gave up on it, and in the end confirmed;
    // the only refusals were those telling the peer to send a message again while no worker took it.
    expect(attempts.filter((attempt) => attempt.outcome !== 'OK' && !/^ERROR UnrecognisedDataValue: .*send it again$/.test(attempt.outcome))).toEqual([]);
    expect(peer.confirmations).toHaveLength(total);
    for (const request of batch) {
      for (const status of ANSWERS) {
        expect(attempts.some((a) => a.requestId === request.id && a.status === status && a.outcome === 'OK'), `${request.id} ${status}`).toBe(true);
      }
    }

    // Each request was delivered from the peer's link, each of the peer's statuses recorded once, in order.
    const states = await Promise.all(batch.map((request) => temporal.client.workflow.getHandle(requestWorkflowId(request.id)).query(statusQuery)));
    expect(states.filter((state) => state.status !== 'delivered' || state.delivery?.url !== copyUrl(state.requestId)).map((state) => state.requestId)).toEqual([]);
    const trails = states.map((state) => ({ id: state.requestId, events: state.history.map(eventOf).filter((event) => [...ANSWERS, 'delivered'].includes(event)) }));
    const expected = ['RequestReceived', 'ExpectToSupply', 'WillSupply', 'delivered'];
    expect(trails.filter((trail) => trail.events.join(' ') !== expected.join(' '))).toEqual([]);

    // The audit trail holds each entry of each history once, and the library was charged once per copy.
    const events: { event_key: string; request_id: string }[] = await database.db('request_events').select('event_key', 'request_id').whereIn('request_id', ids);
    expect(events.length - new Set(events.map((event) => event.event_key)).size).toBe(0);
    expect(states.filter((state) => events.filter((event) => event.request_id === state.requestId).length !== state.history.length).map((state) => state.requestId)).toEqual([]);
    const charges: { request_id: string }[] = await database.db('charges').select('request_id').whereIn('request_id', ids);
    expect(batch.filter((request) => charges.filter((charge) => charge.request_id === request.id).length !== 1).map((request) => request.id)).toEqual([]);

    const duringOutage = attempts.filter((attempt) => attempt.startedAt >= killedAt && attempt.startedAt < secondReady);
    const retried = attempts.filter((attempt) => attempt.outcome !== 'OK');
    console.info(
      `worker killed ${((killedAt - started) / 1000).toFixed(1)} s in with ${confirmedAtKill} of ${total} messages confirmed; ` +
        `the next ready ${((secondReady - killedAt) / 1000).toFixed(1)} s later; ${duringOutage.length} message(s) posted with no worker; ` +
        `all delivered ${((finished - killedAt) / 1000).toFixed(1)} s after the kill; tries not confirmed: ${JSON.stringify(tally(retried.map((a) => a.outcome.replace(a.requestId, '<id>'))))}; ` +
        `requests the peer was sent again: ${[...requestsSeen.values()].filter((count) => count > 1).length}; answers: ${JSON.stringify(tally(answered.map(String)))}`,
    );
  }, 150_000);
});
