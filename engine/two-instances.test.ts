import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequest, startTestService, type TestService } from '../test/service';
import { eventually } from '../test/eventually';
import { requestWorkflowId } from '../workflows/definitions';

// Two service instances, as two machines would run them: one Temporal server, one PostgreSQL, one
// task queue and one signing secret. Either takes requests and answers; each request runs once,
// nothing is sent or charged twice, and both give the same lists and reports.

const shared = {
  ILL_TASK_QUEUE: `two-instances-${randomUUID()}`,
  DATABASE_SCHEMA: `s_${randomUUID().replaceAll('-', '')}`,
  ILL_AUTH_SECRET: randomBytes(32).toString('hex'),
};

describe.skipIf(!process.env.DATABASE_URL)('two service instances on one Temporal server and one PostgreSQL', () => {
  let a: TestService;
  let b: TestService;
  // Each instance keeps the mail it sends in its own data directory, as two machines would.
  const dataDirs = [mkdtempSync(path.join(os.tmpdir(), 'ill-instance-')), mkdtempSync(path.join(os.tmpdir(), 'ill-instance-'))] as const;

  beforeAll(async () => {
    // Together, as a deployment would start them: one migrates the schema while the other waits.
    [a, b] = await Promise.all([startTestService({ ...shared, ILL_DATA_DIR: dataDirs[0] }), startTestService({ ...shared, ILL_DATA_DIR: dataDirs[1] })]);
  });
  afterAll(async () => {
    await a?.service.stop();
    await b?.service.stop();
  });

  it('serves each request once whichever instance takes it or its answers, and both list and report the same', async () => {
    const requests = Array.from({ length: 6 }, (_, n) => {
      const request = sampleRequest(n % 2 === 0 ? 'express-copy-review' : 'chinese-article-ppv', `two-${process.pid}-${n}`);
      return { ...request, requester: { ...request.requester, email: `${request.requester.patronId}@readers.example.edu.cn` } };
    });
    // A token one instance signed is good at the other.
    const admin = await a.token('administrator', 'centre');
    for (const [n, request] of requests.entries()) {
      const [first, second] = n % 2 === 0 ? [a, b] : [b, a];
      expect((await first.call('POST', '/api/requests', admin, request)).status).toBe(201);
      // The same request sent again to the other instance is recognised, not started a second time.
      expect((await second.call('POST', '/api/requests', admin, request)).status).toBe(200);
    }

    for (const [n, request] of requests.entries()) {
      const here = n % 3 === 0 ? a : b;
      const there = here === a ? b : a;
      const librarian = await here.token('librarian', request.requester.libraryId);
      const state = await here.until(request.id, librarian, (body) => body.status === 'awaiting-review' || (body.status === 'with-supplier' && body.supplier !== undefined));
      if (state.status === 'awaiting-review') {
        expect((await there.call('POST', `/api/requests/${request.id}/review`, librarian, { decision: 'approve' })).status).toBe(200);
      }
      const sent = await there.until(request.id, librarian, (body) => body.status === 'with-supplier' && body.supplier !== undefined);
      const supplierId = sent.supplier.id as string;
      const message = { supplierId, status: 'CopyCompleted', deliveryUrl: `https://example.org/${request.id}.pdf` };
      const supplier = await there.token('supplier', supplierId);
      // The same answer through both instances at once, as a peer retrying after a timeout sends it: acted on once.
      const answers = await Promise.all([here, there].map((instance) => instance.call('POST', `/api/requests/${request.id}/supplier-messages`, supplier, message)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 202]);
      expect(answers.find((answer) => answer.status === 200)!.body).toMatchObject({ accepted: false, duplicate: true });
      await here.until(request.id, librarian, (body) => body.status === 'delivered');
    }

    const db = a.service.database.db;
    const ids = requests.map((request) => request.id);
    const sends = await db('supplier_outbox').whereIn('request_id', ids).where({ action: 'send' }).select('request_id');
    expect(sends.map((row) => row.request_id).sort()).toEqual([...ids].sort());
    const charges = await db('charges').whereIn('request_id', ids).select('request_id', 'key');
    expect(new Set(charges.map((row) => row.request_id)).size).toBe(charges.length);
    expect(charges.length).toBeGreaterThan(0);
    // Each fill's postings once each (one per kind and account), balanced.
    const postings = await db('ledger_postings').whereIn('request_id', ids).select('transaction_key', 'kind', 'account_kind', 'amount_minor');
    const byFill = new Map<string, typeof postings>();
    for (const posting of postings) byFill.set(posting.transaction_key, [...(byFill.get(posting.transaction_key) ?? []), posting]);
    expect([...byFill.keys()].sort()).toEqual(charges.map((row) => row.key).sort());
    for (const fill of byFill.values()) {
      expect(new Set(fill.map((posting) => `${posting.kind}:${posting.account_kind}`)).size).toBe(fill.length);
      expect(fill.reduce((sum, posting) => sum + Number(posting.amount_minor), 0)).toBe(0);
    }
    // Each reader's notice mailed once, by whichever instance claimed it.
    const notices = await db('reader_notices').whereIn('request_id', ids).select('key');
    expect(notices.length).toBeGreaterThanOrEqual(ids.length);
    const kept = await eventually(
      async () => dataDirs.flatMap((dir) => (existsSync(path.join(dir, 'mail')) ? readdirSync(path.join(dir, 'mail')).filter((name) => name.endsWith('.eml')) : [])),
      (files) => files.length >= notices.length,
      (files) => `${files.length} of ${notices.length} notices mailed`,
    );
    expect(kept).toHaveLength(notices.length);
    expect(Number((await db('reader_notices').whereIn('request_id', ids).whereNot({ mail_status: 'kept' }).count({ n: '*' }))[0]!.n)).toBe(0);
    for (const id of ids) {
      const runs = [];
      for await (const run of a.service.temporal.client.workflow.list({ query: `WorkflowId = '${requestWorkflowId(id)}'` })) runs.push(run.runId);
      expect(runs).toHaveLength(1);
    }

    for (const path of ['/api/reports/fill-rate?by=library', '/api/reports/turnaround?by=supplier', '/api/requests?limit=50', '/api/tasks']) {
      const [fromA, fromB] = await Promise.all([a.call('GET', path, admin), b.call('GET', path, admin)]);
      expect(fromA.status, path).toBe(200);
      expect(fromB.body, path).toEqual(fromA.body);
    }
    const fillRate = await b.call('GET', '/api/reports/fill-rate', admin);
    expect(fillRate.body.rows).toEqual([expect.objectContaining({ requests: 6, filled: 6 })]);
  });
});
