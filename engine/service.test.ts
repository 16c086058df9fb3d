import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IllRequest } from '../domain/request';
import { REQUEST_STATUS, REQUESTING_LIBRARY, URGENCY } from '../workflows/search-attributes';
import { startTestService, type TestService } from '../test/service';

// The walking skeleton end to end: HTTP API, real Temporal server, worker, database.

let app: TestService;
let librarian: string;
let reader: string;
let otherLibrarian: string;

// Each id is another article of the reader's: one article asked for twice while open is refused.
const request = (id: string): IllRequest => ({
  id,
  requester: { libraryId: 'pku', patronId: 'p-1001' },
  service: 'copy',
  citation: { title: `Deep learning for Chinese word segmentation (${id})`, journalTitle: 'Journal of Chinese Information Processing', issn: '1003-0077', year: 2021, language: 'zh' },
  urgency: 'normal',
});

const call: TestService['call'] = (...args) => app.call(...args);

beforeAll(async () => {
  app = await startTestService();
  librarian = await app.token('librarian', 'pku', 'lib-1');
  reader = await app.token('reader', 'pku', 'p-1001');
  otherLibrarian = await app.token('librarian', 'fudan', 'lib-9');
});

afterAll(async () => {
  await app?.service.stop();
});

describe('walking skeleton', () => {
  it('starts the request workflow and reports its state through a query', async () => {
    const id = `skel-${Date.now()}`;
    const created = await call('POST', '/api/requests', reader, request(id));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, workflowId: `request-${id}` });

    const description = await app.service.temporal.client.workflow.getHandle(`request-${id}`).describe();
    expect(description.type).toBe('requestLifecycle');
    expect(description.typedSearchAttributes.get(REQUESTING_LIBRARY)).toBe('pku');
    expect(description.typedSearchAttributes.get(URGENCY)).toBe('normal');
    expect(description.typedSearchAttributes.get(REQUEST_STATUS)).toBeDefined();

    // What a librarian types into the Temporal web UI or `temporal workflow list --query`.
    const query = `WorkflowId = 'request-${id}' AND IllLibrary = 'pku' AND IllUrgency = 'normal'`;
    let found: string[] = [];
    for (let tries = 0; tries < 50 && found.length === 0; tries++) {
      found = [];
      for await (const workflow of app.service.temporal.client.workflow.list({ query })) found.push(workflow.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toEqual([`request-${id}`]);
    expect(description.status.name).toBe('RUNNING');

    const read = await call('GET', `/api/requests/${id}`, librarian);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, request: { citation: { issn: '1003-0077' } } });
    expect(read.body.history[0]).toMatchObject({ status: 'submitted', by: 'p-1001' });
  });

  it('tells the reader, with the request, when to expect the document', async () => {
    const id = `eta-${Date.now()}`;
    expect((await call('POST', '/api/requests', reader, request(id))).status).toBe(201);
    const routed = await app.until(id, reader, (body) => body.decision !== undefined);
    const { eta } = routed.decision;
    expect(eta).toMatchObject({ workingHours: { p10: expect.any(Number), median: expect.any(Number), p90: expect.any(Number) }, basis: expect.stringMatching(/rota supplier/) });
    expect(eta.workingHours.p10).toBeLessThanOrEqual(eta.workingHours.median);
    expect(eta.workingHours.median).toBeLessThanOrEqual(eta.workingHours.p90);
    // Counted from the moment of the decision, by the network's working hours.
    expect(Date.parse(eta.earliestAt)).toBeGreaterThanOrEqual(Date.parse(routed.submittedAt) - 60_000);
    expect(Date.parse(eta.earliestAt)).toBeLessThanOrEqual(Date.parse(eta.likelyAt));
    expect(Date.parse(eta.likelyAt)).toBeLessThanOrEqual(Date.parse(eta.latestAt));
    expect(eta.clock).toBe("08:30–17:30 Asia/Shanghai, working days of China's public calendar");
  });

  it('takes the same request twice without starting it twice, and refuses a different one with the same id', async () => {
    const id = `dup-${Date.now()}`;
    expect((await call('POST', '/api/requests', librarian, request(id))).status).toBe(201);
    expect((await call('POST', '/api/requests', librarian, request(id))).status).toBe(200);
    const changed = { ...request(id), urgency: 'rush' };
    const conflict = await call('POST', '/api/requests', librarian, changed);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.message).toContain(id);
  });

  it('takes a request sent again after it ended as the same request, and starts no second run', async () => {
    const id = `ended-${Date.now()}`;
    expect((await call('POST', '/api/requests', librarian, request(id))).status).toBe(201);
    expect((await call('POST', `/api/requests/${id}/cancel`, librarian, { reason: 'ordered by mistake' })).status).toBe(200);
    const handle = app.service.temporal.client.workflow.getHandle(`request-${id}`);
    await handle.result();
    const ended = await handle.describe();
    expect((await call('POST', '/api/requests', librarian, request(id))).status).toBe(200);
    const after = await app.service.temporal.client.workflow.getHandle(`request-${id}`).describe();
    expect(after.runId).toBe(ended.runId);
    expect((await call('GET', `/api/requests/${id}`, librarian)).body.status).toBe('cancelled');
  });

  it('reports health of Temporal and the database', async () => {
    const health = await call('GET', '/healthz');
    expect(health).toEqual({ status: 200, body: { status: 'ok', temporal: 'ok', database: 'ok' } });
  });
});

describe('bad input and access', () => {
  it('refuses a call without a token, or with a forged one', async () => {
    expect((await call('GET', '/api/requests/x')).status).toBe(401);
    const forged = `${librarian.slice(0, -4)}AAAA`;
    const answer = await call('GET', '/api/requests/x', forged);
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toBe('token is not valid');
  });

  it('keeps readers and librarians to their own library', async () => {
    const id = `acl-${Date.now()}`;
    const forOther = { ...request(id), requester: { libraryId: 'pku', patronId: 'p-2002' } };
    expect((await call('POST', '/api/requests', reader, forOther)).status).toBe(403);
    expect((await call('POST', '/api/requests', otherLibrarian, request(id))).status).toBe(403);
    expect((await call('POST', '/api/requests', librarian, request(id))).status).toBe(201);
    expect((await call('GET', `/api/requests/${id}`, otherLibrarian)).status).toBe(404);
  });

  it('says where a request is malformed and starts nothing', async () => {
    const id = `bad-${Date.now()}`;
    const answer = await call('POST', '/api/requests', librarian, { ...request(id), urgency: 'yesterday' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/body/urgency' })]));
    expect((await call('GET', `/api/requests/${id}`, librarian)).status).toBe(404);
  });

  it('answers broken JSON and oversized bodies with 4xx, not 5xx', async () => {
    const broken = await call('POST', '/api/requests', librarian, undefined, '{"id": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/not valid JSON/);
    const huge = await call('POST', '/api/requests', librarian, { ...request('huge'), citation: { title: 'x'.repeat(100_000) } });
    expect(huge.status).toBe(413);
  });

  it('answers an unknown route with 404 JSON', async () => {
    const answer = await call('GET', '/api/nothing-here', librarian);
    expect(answer.status).toBe(404);
    expect(answer.body.error.message).toContain('/api/nothing-here');
  });
});
