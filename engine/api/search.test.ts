import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/eventually';
import { sampleRequest, startTestService, type TestService } from '../../test/service';

// Searching requests, the inboxes of tasks and the stalled requests through the HTTP API, with the
// request index kept by real workflows on the run's Temporal server.

const root = path.resolve(__dirname, '../..');
const configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-config-'));
let app: TestService;
let serial = 0;

const sample = (name: string) => sampleRequest(name, `search-${process.pid}-${++serial}`);

beforeAll(async () => {
  cpSync(path.join(root, 'config'), configDir, { recursive: true });
  app = await startTestService({ ILL_CONFIG_DIR: configDir });
});

afterAll(async () => {
  await app?.service.stop();
});

/** Reads `url` as `token` until `check` holds of its body (the index follows the workflow a moment later). */
const until = (url: string, token: string, check: (body: Record<string, any>) => boolean) =>
  eventually(
    async () => (await app.call('GET', url, token)).body,
    check,
    (body) => `${url}: ${JSON.stringify(body).slice(0, 400)}`,
  );
const ids = (body: Record<string, any>): string[] => body.items.map((item: { id: string }) => item.id);
const taskOf = (body: Record<string, any>, requestId: string) => body.items.find((item: { requestId?: string }) => item.requestId === requestId);

describe('requests searched and tasks listed from the request index', () => {
  it('shows a request moved by decisions with its new status and in the right inbox, which it leaves when answered; a stale answer is refused', async () => {
    const request = sample('express-copy-review');
    const xtu = await app.token('librarian', 'xtu');
    const reader = await app.token('reader', 'xtu', request.requester.patronId);
    expect((await app.call('POST', '/api/requests', xtu, request)).status).toBe(201);
    const waiting = await app.until(request.id, xtu, (body) => body.status === 'awaiting-review');

    const found = await until(`/api/requests?status=awaiting-review&status=with-supplier&q=${encodeURIComponent('global BURDEN')}`, xtu, (body) =>
      ids(body).includes(request.id),
    );
    expect(found.items.find((item: { id: string }) => item.id === request.id)).toMatchObject({ status: 'awaiting-review', libraryId: 'xtu', urgency: 'express', title: request.citation.title });
    const inbox = await until('/api/tasks', xtu, (body) => taskOf(body, request.id) !== undefined);
    expect(taskOf(inbox, request.id)).toMatchObject({
      kind: 'review',
      citation: request.citation.title,
      overdue: false,
      escalated: false,
      answer: { method: 'POST', path: `/api/requests/${request.id}/review` },
    });
    expect(inbox.counts.review).toBeGreaterThanOrEqual(1);
    expect(Date.parse(taskOf(inbox, request.id).dueAt)).toBeGreaterThan(Date.parse(taskOf(inbox, request.id).openedAt));
    expect(taskOf((await app.call('GET', '/api/tasks', await app.token('librarian', 'pku'))).body, request.id)).toBeUndefined();

    const first = waiting.decision.rota[0].supplierId as string;
    expect((await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'changeRota', rota: [first] })).status).toBe(200);
    await until(`/api/requests?status=with-supplier&supplier=${first}`, xtu, (body) => ids(body).includes(request.id));
    const afterReview = await until('/api/tasks', xtu, (body) => taskOf(body, request.id) === undefined);
    expect(afterReview.items.every((item: { kind: string }) => item.kind !== 'supply')).toBe(true);
    const supplier = await app.token('supplier', first);
    const supplying = await until('/api/tasks?kind=supply', supplier, (body) => taskOf(body, request.id) !== undefined);
    expect(taskOf(supplying, request.id)).toMatchObject({ kind: 'supply', service: 'copy', stage: 'asked', answer: { path: `/api/requests/${request.id}/supplier-messages` } });
    // The deadline the send counted in the supplier's working hours, as the workflow keeps it.
    const withSupplier = await app.call('GET', `/api/requests/${request.id}`, xtu);
    expect(taskOf(supplying, request.id).dueAt).toBe(withSupplier.body.supplier.deadline);
    expect(Date.parse(taskOf(supplying, request.id).dueAt)).toBeGreaterThan(Date.now());

    // The review is answered: another answer no longer applies, and nothing changes.
    const stale = await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'approve' });
    expect(stale).toMatchObject({ status: 409, body: { error: { status: 409, message: `request ${request.id} has no open review task (it is with-supplier)` } } });

    // The supplier fills: it leaves the supplier's inbox, and shows delivered.
    await app.call('POST', `/api/requests/${request.id}/supplier-messages`, supplier, { supplierId: first, status: 'CopyCompleted', deliveryUrl: 'https://example.org/c.pdf' });
    await until('/api/tasks', supplier, (body) => taskOf(body, request.id) === undefined);
    const delivered = await until(`/api/requests?reader=${request.requester.patronId}`, reader, (body) => body.items.find((item: { id: string }) => item.id === request.id)?.status === 'delivered');
    expect(delivered.items.every((item: { patronId: string }) => item.patronId === request.requester.patronId)).toBe(true);

    const detail = await app.call('GET', `/api/requests/${request.id}`, xtu);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: request.id, status: 'delivered', workflowId: `request-${request.id}`, submittedAt: expect.any(String) });
    expect(detail.body.explanation).toMatchObject({ outcome: 'review', ranked: expect.arrayContaining([expect.objectContaining({ rank: 1, supplierId: first, score: expect.any(Number), terms: expect.any(Object) })]) });
    expect(detail.body.explanation.excluded.length + detail.body.explanation.ranked.length).toBeGreaterThan(1);
    expect(detail.body.explanation.rulesFired.length).toBeGreaterThan(0);
    // Each exclusion by its kinds beside the English, and each configured rule fired with where it is written.
    for (const entry of detail.body.explanation.excluded) expect(entry.causes.map((cause: { code: string }) => cause.code)).toHaveLength(entry.reasons.length);
    for (const name of detail.body.explanation.rulesFired.filter((rule: string) => !rule.startsWith('builtin:'))) {
      expect(detail.body.explanation.ruleSources[name]).toEqual({ file: expect.stringMatching(/\.yaml$/), line: expect.any(Number) });
    }
    const trail = detail.body.auditTrail.map((entry: { status: string }) => entry.status);
    expect(trail).toEqual(expect.arrayContaining(['submitted', 'routing', 'awaiting-review', 'with-supplier', 'delivered']));
    expect(detail.body.auditTrail.find((entry: { status: string }) => entry.status === 'with-supplier')).toMatchObject({ key: expect.stringMatching(/:\d+$/), detail: { supplierId: first } });
  });

  it("puts a request routing could not place in search-proxy staff's inbox, and takes it out once they answer", async () => {
    const request = sample('rare-escalate');
    const nwnu = await app.token('librarian', 'nwnu');
    const staff = await app.token('search-proxy', 'centre');
    await app.call('POST', '/api/requests', nwnu, request);
    const inbox = await until('/api/tasks?kind=searchProxy', staff, (body) => taskOf(body, request.id) !== undefined);
    expect(taskOf(inbox, request.id)).toMatchObject({ kind: 'searchProxy', answer: { path: `/api/requests/${request.id}/search-proxy-answer` } });
    expect(inbox.counts.searchProxy).toBeGreaterThanOrEqual(1);
    expect(taskOf((await app.call('GET', '/api/tasks', nwnu)).body, request.id)).toBeUndefined();
    expect(taskOf((await app.call('GET', '/api/tasks', await app.token('administrator', 'centre'))).body, request.id)).toBeUndefined();
    // Search-proxy staff of a member library may read the request, but the search is the centre's desk's: they are not given it to answer.
    const member = await app.token('search-proxy', 'nwnu');
    expect(taskOf((await app.call('GET', '/api/tasks?kind=searchProxy', member)).body, request.id)).toBeUndefined();
    expect((await app.call('GET', `/api/requests/${request.id}`, member)).status).toBe(200);
    const refused = await app.call('POST', `/api/requests/${request.id}/search-proxy-answer`, member, { outcome: 'unfillable', reason: 'not here' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/search-proxy of nwnu cannot search proxy answer/);

    const answered = await app.call('POST', `/api/requests/${request.id}/search-proxy-answer`, staff, { outcome: 'unfillable', reason: 'no copy survives' });
    expect(answered.status).toBe(200);
    await until('/api/tasks?kind=searchProxy', staff, (body) => taskOf(body, request.id) === undefined);
    await until(`/api/requests?status=unfilled&library=nwnu`, nwnu, (body) => ids(body).includes(request.id));
  });

  it('lets each role see only what it may', async () => {
    const request = sample('express-copy-review');
    const xtu = await app.token('librarian', 'xtu');
    await app.call('POST', '/api/requests', xtu, request);
    const waiting = await app.until(request.id, xtu, (body) => body.status === 'awaiting-review');
    const first = waiting.decision.rota[0].supplierId as string;
    const other = waiting.decision.rota.find((entry: { supplierId: string }) => entry.supplierId !== first)?.supplierId ?? 'nowhere';
    await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'changeRota', rota: [first] });
    await until(`/api/requests?status=with-supplier&q=${encodeURIComponent(request.citation.title!)}`, xtu, (body) => ids(body).includes(request.id));

    const sees = async (token: string, query = '') => ids((await app.call('GET', `/api/requests?limit=100${query}`, token)).body).includes(request.id);
    expect(await sees(await app.token('reader', 'xtu', request.requester.patronId))).toBe(true);
    expect(await sees(await app.token('reader', 'xtu', 'someone-else'))).toBe(false);
    expect(await sees(await app.token('reader', 'pku', request.requester.patronId))).toBe(false);
    expect(await sees(xtu, '&library=xtu')).toBe(true);
    expect(await sees(await app.token('librarian', 'pku'))).toBe(false);
    expect(await sees(await app.token('supplier', first))).toBe(true);
    expect(await sees(await app.token('supplier', other))).toBe(false);
    // The supplier asked sees what to supply, not the reader who asked, the library's tasks or the other suppliers asked.
    const asSupplied = (await app.call('GET', '/api/requests?limit=100', await app.token('supplier', first))).body.items.find((item: { id: string }) => item.id === request.id);
    expect(asSupplied).toMatchObject({ id: request.id, libraryId: 'xtu', supplierId: first });
    for (const hidden of ['patronId', 'tasks', 'suppliers']) expect(asSupplied).not.toHaveProperty(hidden);
    expect((await app.call('GET', `/api/requests?reader=${request.requester.patronId}`, await app.token('supplier', first))).status).toBe(403);
    expect(await sees(await app.token('search-proxy', 'centre'))).toBe(true);
    expect(await sees(await app.token('administrator', 'centre'), '&library=xtu')).toBe(true);

    // A librarian naming another library, or a reader another reader, is refused, not answered with nothing.
    const foreign = await app.call('GET', '/api/requests?library=xtu', await app.token('librarian', 'pku'));
    expect(foreign).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('cannot search the requests of xtu') } } });
    expect((await app.call('GET', '/api/requests?reader=someone-else', await app.token('reader', 'xtu', request.requester.patronId))).status).toBe(403);
    // Another library's request reads as one that does not exist.
    expect((await app.call('GET', `/api/requests/${request.id}`, await app.token('librarian', 'pku'))).status).toBe(404);
    expect((await app.call('GET', '/api/tasks', await app.token('reader', 'xtu', request.requester.patronId))).status).toBe(403);
  });

  it('refuses searches it cannot answer with the field at fault', async () => {
    const admin = await app.token('administrator', 'centre');
    const problem = async (query: string) => {
      const answer = await app.call('GET', `/api/requests?${query}`, admin);
      expect(answer.status, query).toBe(400);
      return answer.body.error.problems[0].path as string;
    };
    expect(await problem('submittedFrom=2026-12-01')).toBe('/query/submittedFrom');
    expect(await problem('submittedTo=2026-12-01T10:00:00')).toBe('/query/submittedTo');
    expect(await problem('status=lost')).toBe('/query/status/0');
    expect(await problem('sort=title')).toBe('/query/sort');
    expect(await problem('limit=0')).toBe('/query/limit');
    expect(await problem('cursor=abc')).toBe('/query/cursor');
    expect(await problem('colour=red')).toBe('/query/colour');
    expect((await app.call('GET', '/api/tasks?kind=chores', admin)).body.error.problems[0].path).toBe('/query/kind/0');
    expect((await app.call('GET', '/api/tasks?cursor=abc', admin)).status).toBe(400);
    // A request's id is of safe characters only: one that could climb out of a path is refused, not looked up.
    expect((await app.call('GET', '/api/requests/..%2F..%2Fetc', admin)).body.error.problems[0].path).toBe('/params/id');
    expect((await app.call('GET', '/api/requests?submittedFrom=2026-12-01T10:00:00%2B08:00&sort=deadline&order=asc', admin)).status).toBe(200);
  });

  it('lists to administrators the open requests whose earliest deadline passed more than the grace period ago, oldest first', async () => {
    const xtu = await app.token('librarian', 'xtu');
    const admin = await app.token('administrator', 'centre');
    const stalled: string[] = [];
    for (const hoursAgo of [2, 5]) {
      const request = sample('express-copy-review');
      await app.call('POST', '/api/requests', xtu, request);
      await until(`/api/requests?status=awaiting-review&q=${encodeURIComponent(request.citation.title!)}&limit=100`, xtu, (body) => ids(body).includes(request.id));
      // Nobody reviewed it, and no one took it up at the centre either.
      await app.service.database.db('request_index').where({ id: request.id }).update({ act_by: new Date(Date.now() - hoursAgo * 3_600_000) });
      stalled.unshift(request.id);
    }
    const listed = await app.call('GET', '/api/requests/stalled?graceMinutes=60&limit=100', admin);
    expect(listed.status).toBe(200);
    expect(ids(listed.body).filter((id) => stalled.includes(id))).toEqual(stalled);
    const longer = await app.call('GET', '/api/requests/stalled?graceMinutes=180&limit=100', admin);
    expect(ids(longer.body).filter((id) => stalled.includes(id))).toEqual([stalled[0]]);
    const paged = await app.call('GET', '/api/requests/stalled?graceMinutes=60&limit=1', admin);
    expect(paged.body.items).toHaveLength(1);
    expect((await app.call('GET', `/api/requests/stalled?limit=1&cursor=${paged.body.next}`, admin)).status).toBe(200);
    expect((await app.call('GET', '/api/requests/stalled', xtu)).status).toBe(403);
    expect((await app.call('GET', '/api/requests/stalled?graceMinutes=-1', admin)).status).toBe(400);
  });
});
