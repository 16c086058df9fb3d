import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Iso18626Request } from '../adapters/iso18626';
import { createManualAdapter } from '../adapters/manual';
import type { Database } from '../engine/db/database';
import { LendingService } from '../engine/lending';
import { NetworkHolder } from '../engine/network';
import { KnexRequestStore } from '../engine/store/knex-store';
import type { LendingState } from '../domain/lending';
import { fakeIso18626Borrower, type FakeBorrower } from '../simulator/iso18626-borrower';
import { listen } from '../simulator/vendor';
import { startTestWorker, testDatabase } from '../test/harness';
import { createTimeSkippingEnv } from '../test/time-skipping';
import { eventually } from '../test/eventually';

// Lending requests whose clock runs on without anyone acting: a loan falls overdue on its due date,
// and a copy the borrower never confirms completes after the wait. A real Temporal test server skips
// the days; the borrower is a real HTTP server on loopback.

const root = path.resolve(__dirname, '..');
const librarian = { subject: 'librarian@pku', role: 'librarian', libraryId: 'pku' };
let env: TestWorkflowEnvironment;
let database: Database;
let store: KnexRequestStore;
let worker: Worker;
let running: Promise<void>;
let lending: LendingService;
let borrower: FakeBorrower;
let borrowerServer: { url: string; close: () => Promise<void> };
let serial = 0;

function request(serviceType: 'Copy' | 'Loan'): Iso18626Request {
  return {
    kind: 'request',
    header: {
      supplyingAgencyId: { type: 'ISIL', value: 'CN-PKU' },
      requestingAgencyId: { type: 'ISIL', value: 'CN-100000-0' },
      timestamp: new Date().toISOString(),
      requestingAgencyRequestId: `clock-${process.pid}-${++serial}`,
    },
    bibliographicInfo: { title: '中国考古学通论' },
    serviceInfo: { serviceType },
    requestingAgencyInfo: { address: [{ electronicAddress: { electronicAddressType: 'URL', electronicAddressData: `${borrowerServer.url}/iso18626` } }] },
  };
}

const until = (id: string, check: (state: LendingState) => boolean) => eventually(() => lending.state(id), check, (state) => `lending request ${id} is ${state.status}`);

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  database = await testDatabase();
  store = new KnexRequestStore(database.db);
  const network = new NetworkHolder(path.join(root, 'config'));
  const taskQueue = `lending-${process.pid}`;
  worker = await startTestWorker({ nativeConnection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue }, { store, network, adapterFor: () => createManualAdapter() });
  running = worker.run();
  lending = new LendingService(env.client, store, network, taskQueue);
  borrower = fakeIso18626Borrower({ networkUrl: 'http://127.0.0.1:9/unused', agencyId: 'ISIL:CN-100000-0' });
  borrowerServer = await listen(borrower);
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await borrowerServer?.close();
  await database?.close();
  await env?.teardown();
});

describe('a lending request left alone', () => {
  it('falls overdue on the loan’s due date, and the borrower hears so', async () => {
    const asked = request('Loan');
    const { lendingId: id } = await lending.receive(asked, undefined);
    const due = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await lending.answer(id, { answer: 'loaned', dueDate: due, actor: librarian });
    await env.sleep('2 days');
    expect((await lending.state(id)).status).toBe('loaned');
    await env.sleep('2 days');
    await until(id, (state) => state.status === 'overdue');
    const heard = await borrower.heard(asked.header.requestingAgencyRequestId, 3);
    expect(heard.map((message) => message.statusInfo.status)).toEqual(['RequestReceived', 'Loaned', 'Overdue']);
    expect((await store.getLending(id))?.status).toBe('overdue');
    // Overdue is no end: the item can still come back.
    await lending.answer(id, { answer: 'return-received', actor: librarian });
    await until(id, (state) => state.status === 'completed');
  });

  it('completes a sent copy the borrower never confirms after 14 days', async () => {
    const asked = request('Copy');
    const { lendingId: id } = await lending.receive(asked, undefined);
    await lending.answer(id, { answer: 'copy-sent', url: 'https://lib.pku.edu.cn/ill/copies/2.pdf', actor: librarian });
    await env.sleep('10 days');
    // The borrower asking after the copy does not restart its wait.
    await lending.borrowerMessage(id, { action: 'StatusRequest' });
    await env.sleep('3 days');
    expect((await lending.state(id)).status).toBe('copy-sent');
    await env.sleep('2 days');
    const done = await until(id, (state) => state.status === 'completed');
    expect(done.history.at(-1)!.note).toBe('the borrower did not confirm receipt within 14 days');
    expect(await store.listLendingEvents(id)).toHaveLength(4);
  });
});
