import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequest, startTestService, type TestService } from '../test/service';
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

  beforeAll(async () => {
    // Together, as a deployment would start them: one migrates the schema while the other waits.
    [a, b] = await Promise.all([startTestService(shared), startTestService(shared)]);
  });
  afterAll(async () => {
    await a?.service.stop();
    await b?.service.stop();
  });

  it('serves each request once whichever instance takes it or its answers, and both list and report the same', async () => {
    const requests = Array.from({ length: 6 }, (_, n) => sampleRequest(n % 2 === 0 ? 'express-copy-review' : 'chinese-article-ppv', `two-${process.pid}-${n}`));
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
      expect((await here.call('POST', `/api/requests/${request.id}/supplier-messages`, supplier, message)).status).toBe(202);
      // The same answer through the other instance is a repeat, acted on once.
      expect((await there.call('POST', `/api/requests/${request.id}/supplier-messages`, supplier, message)).body).toMatchObject({ accepted: false, duplicate: true });
      await here.until(request.id, librarian, (body) => body.status === 'delivered');
    }

    const db = a.service.database.db;
    const ids = requests.map((request) => request.id);
    const sends = await db('supplier_outbox').whereIn('request_id', ids).where({ action: 'send' }).select('request_id');
    expect(sends.map((row) => row.request_id).sort()).toEqual([...ids].sort());
    const charges = await db('charges').whereIn('request_id', ids).select('request_id');
    expect(new Set(charges.map((row) => row.request_id)).size).toBe(charges.length);
    expect(charges.length).toBeGreaterThan(0);
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
