import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequest, sentToOneOfTwoHolders, startTestService, type TestService } from '../../test/service';

// Librarians', staff's and suppliers' decisions through the HTTP API, checked against the caller's
// role and library, and the administrator's configuration reload.

const root = path.resolve(__dirname, '../..');
const configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-config-'));
let app: TestService;
let serial = 0;

const sample = (name: string) => sampleRequest(name, `api-${process.pid}-${++serial}`);


beforeAll(async () => {
  cpSync(path.join(root, 'config'), configDir, { recursive: true });
  app = await startTestService({ ILL_CONFIG_DIR: configDir });
});

afterAll(async () => {
  await app?.service.stop();
});

describe('decisions on a request', () => {
  it('lets only the requesting library review, and refuses a review that does not fit', async () => {
    const request = sample('express-copy-review');
    const xtu = await app.token('librarian', 'xtu');
    expect((await app.call('POST', '/api/requests', xtu, request)).status).toBe(201);
    const waiting = await app.until(request.id, xtu, (body) => body.status === 'awaiting-review');

    // Another library's request answers as one that does not exist.
    const other = await app.call('POST', `/api/requests/${request.id}/review`, await app.token('librarian', 'pku'), { decision: 'approve' });
    expect(other.status).toBe(404);
    const wrongRota = await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'changeRota', rota: ['nowhere'] });
    expect(wrongRota).toMatchObject({ status: 409, body: { error: { message: 'not in the rota: nowhere' } } });
    const stray = await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'approve', actor: { role: 'administrator' } });
    expect(stray.status).toBe(400);
    expect(stray.body.error).toMatchObject({ message: '/body/actor is not a field this route takes', problems: [{ path: '/body/actor' }] });

    const first = waiting.decision.rota[0].supplierId as string;
    const approved = await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'changeRota', rota: [first] });
    expect(approved.status).toBe(200);
    expect(approved.body.history).toContainEqual(expect.objectContaining({ by: 'librarian@xtu', note: expect.stringContaining('review: changeRota') }));
    const sent = await app.until(request.id, xtu, (body) => body.status === 'with-supplier');
    expect(sent.supplier.id).toBe(first);
    // The page it was answered from was out of date: the code says so, whatever the message's words.
    const stale = await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'approve' });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'stale-task', message: expect.stringContaining('has no open review task') } } });
    expect(wrongRota.body.error.code).toBeUndefined();
  });

  it('takes supplier messages only from the supplier that has the request', async () => {
    const request = sample('express-copy-review');
    const xtu = await app.token('librarian', 'xtu');
    await app.call('POST', '/api/requests', xtu, request);
    const waiting = await app.until(request.id, xtu, (body) => body.status === 'awaiting-review');
    const [first, second] = waiting.decision.rota.map((entry: { supplierId: string }) => entry.supplierId);
    await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'approve' });
    await app.until(request.id, xtu, (body) => body.supplier?.id === first);

    const message = { supplierId: first, status: 'CopyCompleted', deliveryUrl: 'https://example.org/copy.pdf' };
    const firstSupplier = await app.token('supplier', first);
    const negative = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, firstSupplier, { supplierId: first, status: 'RetryPossible', cost: { amount: -5, currency: 'CNY' } });
    expect(negative).toMatchObject({ status: 400, body: { error: { message: '/body/cost/amount must be a number of 0 or more' } } });
    const unknownStatus = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, firstSupplier, { supplierId: first, status: 'Shipped' });
    expect(unknownStatus.status).toBe(400);
    expect((await app.call('POST', `/api/requests/${request.id}/supplier-messages`, await app.token('supplier', second), message)).status).toBe(403);
    const notCurrent = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, await app.token('supplier', second), { ...message, supplierId: second });
    expect(notCurrent.status).toBe(409);
    const say = (body: Record<string, unknown>) => app.call('POST', `/api/requests/${request.id}/supplier-messages`, firstSupplier, body);
    expect(await say({ supplierId: first, status: 'WillSupply' })).toMatchObject({ status: 202, body: { accepted: true } });
    // A peer retrying a message it already sent is answered as a success; a step back is refused.
    expect(await say({ supplierId: first, status: 'WillSupply' })).toMatchObject({ status: 200, body: { accepted: false, duplicate: true } });
    const back = await say({ supplierId: first, status: 'RequestReceived' });
    expect(back).toMatchObject({ status: 409, body: { error: { code: 'out-of-order', message: expect.stringContaining('RequestReceived would go back') } } });
    expect((await say(message)).status).toBe(202);
    const delivered = await app.until(request.id, xtu, (body) => body.status === 'delivered');
    expect(delivered.delivery).toMatchObject({ supplierId: first, url: 'https://example.org/copy.pdf' });

    const late = await app.call('POST', `/api/requests/${request.id}/cancel`, xtu, { reason: 'too late' });
    expect(late).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('can no longer be cancelled') } } });
  });

  it("lists what was sent to a supplier, newest first and page by page, to that supplier's librarians only", async () => {
    const xtu = await app.token('librarian', 'xtu');
    const sent: { id: string; supplierId: string }[] = [];
    for (let n = 0; n < 2; n++) {
      // The second names the first's supplier as a holder with its record, which the order carries to it.
      const request = { ...sample('express-copy-review'), ...(n === 1 ? { holdings: [{ libraryId: sent[0]!.supplierId, recordId: 'REC-1', callNumber: 'Z1' }] } : {}) };
      expect((await app.call('POST', '/api/requests', xtu, request)).status).toBe(201);
      const waiting = await app.until(request.id, xtu, (body) => body.status === 'awaiting-review');
      const first = waiting.decision.rota[0].supplierId as string;
      await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'changeRota', rota: [first] });
      await app.until(request.id, xtu, (body) => body.status === 'with-supplier');
      sent.push({ id: request.id, supplierId: first });
    }
    const supplierId = sent[0]!.supplierId;
    expect(sent[1]!.supplierId).toBe(supplierId);
    const librarian = await app.token('supplier', supplierId);
    const firstPage = await app.call('GET', `/api/suppliers/${supplierId}/outbox?limit=1`, librarian);
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.entries).toEqual([
      expect.objectContaining({
        requestId: sent[1]!.id,
        action: 'send',
        detail: {
          request: expect.objectContaining({ id: sent[1]!.id }),
          holding: { libraryId: supplierId, recordId: 'REC-1', callNumber: 'Z1' },
          requestingLibrary: { id: 'xtu', name: '湘潭大学图书馆 (Xiangtan University Library)' },
        },
      }),
    ]);
    const secondPage = await app.call('GET', `/api/suppliers/${supplierId}/outbox?limit=1&before=${firstPage.body.next}`, librarian);
    expect(secondPage.body.entries.map((e: { requestId: string }) => e.requestId)).toEqual([sent[0]!.id]);

    expect((await app.call('GET', `/api/suppliers/${supplierId}/outbox`, await app.token('supplier', 'pku'))).status).toBe(403);
    expect((await app.call('GET', `/api/suppliers/${supplierId}/outbox`, xtu)).status).toBe(403);
    expect((await app.call('GET', `/api/suppliers/${supplierId}/outbox?limit=0`, librarian)).body.error.message).toContain('limit must be');
    expect((await app.call('GET', `/api/suppliers/${supplierId}/outbox?before=x`, librarian)).status).toBe(400);
    expect((await app.call('GET', '/api/suppliers/nowhere/outbox', await app.token('administrator', 'centre'))).status).toBe(404);
  });

  it('answers a decision or a supplier message on a request that has ended with how it ended', async () => {
    const request = sample('chinese-article-ppv');
    const reader = await app.token('reader', 'szu', request.requester.patronId);
    await app.call('POST', '/api/requests', reader, request);
    const sent = await app.until(request.id, reader, (body) => body.status === 'with-supplier');
    await app.call('POST', `/api/requests/${request.id}/cancel`, reader, { reason: 'found a copy' });
    const admin = await app.token('administrator', 'centre');
    const late = { supplierId: sent.supplier.id, status: 'CopyCompleted', deliveryUrl: 'https://example.org/late.pdf' };
    // The run closes a moment after the cancellation is answered; from then on Temporal no longer has it open.
    const deadline = Date.now() + 20_000;
    let answer = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, admin, late);
    while (!String(answer.body.error?.message).includes('takes no more') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, admin, late);
    }
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'request-closed', message: `request ${request.id} is cancelled; it takes no more decisions or messages` } } });
    const decision = await app.call('POST', `/api/requests/${request.id}/approve-cost`, await app.token('librarian', 'szu'), { approve: true });
    expect(decision).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('is cancelled') } } });
  });

  it("leaves a librarian's note for the supplier's staff in its outbox, beside the order that says where to deliver", async () => {
    const request = sample('chinese-article-ppv');
    const szu = await app.token('librarian', 'szu');
    await app.call('POST', '/api/requests', szu, request);
    const sent = await app.until(request.id, szu, (body) => body.status === 'with-supplier' && body.supplier !== undefined);
    const supplierId = sent.supplier.id as string;
    const answer = await app.call('POST', `/api/requests/${request.id}/supplier-note`, szu, { note: 'Please scan in colour: the figures are maps.' });
    expect(answer.status).toBe(200);
    const outbox = await app.call('GET', `/api/suppliers/${supplierId}/outbox`, await app.token('supplier', supplierId));
    const entries = outbox.body.entries.filter((entry: { requestId: string }) => entry.requestId === request.id);
    expect(entries).toEqual([
      expect.objectContaining({ action: 'note', detail: { note: 'Please scan in colour: the figures are maps.', by: 'librarian@szu' } }),
      expect.objectContaining({ action: 'send', detail: expect.objectContaining({ requestingLibrary: expect.objectContaining({ id: 'szu', delivery: expect.objectContaining({ email: 'ill@lib.szu.edu.cn' }) }) }) }),
    ]);
    expect((await app.call('POST', `/api/requests/${request.id}/supplier-note`, await app.token('reader', 'szu', request.requester.patronId), { note: 'hi' })).status).toBe(403);
    await app.call('POST', `/api/requests/${request.id}/cancel`, szu, { reason: 'test over' });
  });

  it('lets the reader cancel their own request, and nobody else of another library', async () => {
    const request = sample('chinese-article-ppv');
    const reader = await app.token('reader', 'szu', request.requester.patronId);
    await app.call('POST', '/api/requests', reader, request);
    await app.until(request.id, reader, (body) => body.status === 'with-supplier');
    expect((await app.call('POST', `/api/requests/${request.id}/cancel`, await app.token('reader', 'szu', 'someone-else'), { reason: 'x' })).status).toBe(404);
    const cancelled = await app.call('POST', `/api/requests/${request.id}/cancel`, reader, { reason: 'found a copy' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: 'found a copy' });
  });
});

describe('configuration reload', () => {
  it('keeps the version in force when a new one has problems, and takes a correct one', async () => {
    const admin = await app.token('administrator', 'centre');
    const before = await app.call('GET', '/api/admin/config', admin);
    expect(before.body.version).toMatch(/^sha256:/);
    expect((await app.call('GET', '/api/admin/config', await app.token('librarian', 'pku'))).status).toBe(403);

    const policy = path.join(configDir, 'policy.yaml');
    const text = readFileSync(policy, 'utf8');
    writeFileSync(policy, text.replace('maxRotaLength: 5', 'maxRotaLength: five'));
    const refused = await app.call('POST', '/api/admin/config/reload', admin);
    expect(refused.status).toBe(422);
    expect(refused.body.error.version).toBe(before.body.version);
    // Named within the configuration, never where the server keeps it.
    expect(refused.body.error.problems).toEqual([expect.stringMatching(/^policy\.yaml:\d+:\d+: .*integer/)]);
    expect((await app.call('GET', '/api/admin/config', admin)).body.version).toBe(before.body.version);

    writeFileSync(policy, text.replace('maxRotaLength: 5', 'maxRotaLength: 3'));
    const taken = await app.call('POST', '/api/admin/config/reload', admin);
    expect(taken.status).toBe(200);
    expect(taken.body.version).not.toBe(before.body.version);

    const request = sample('chinese-article-ppv');
    const szu = await app.token('librarian', 'szu');
    await app.call('POST', '/api/requests', szu, request);
    const routed = await app.until(request.id, szu, (body) => body.decision !== undefined);
    expect(routed.decision.rulesetVersion).toBe(taken.body.version);
    expect(routed.decision.rota.length).toBeLessThanOrEqual(3);
  });

  it('reloads by itself when a file changes', async () => {
    const admin = await app.token('administrator', 'centre');
    const before = (await app.call('GET', '/api/admin/config', admin)).body.version;
    const policy = path.join(configDir, 'policy.yaml');
    writeFileSync(policy, readFileSync(policy, 'utf8').replace('loanReminderDaysBeforeDue: 3', 'loanReminderDaysBeforeDue: 2'));
    const deadline = Date.now() + 10_000;
    let version = before;
    while (version === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      version = (await app.call('GET', '/api/admin/config', admin)).body.version;
    }
    expect(version).not.toBe(before);
  });
});

describe('a supplier library’s desk', () => {
  it('reads its own holding of a request sent to it, for the pull slip, and never another library’s', async () => {
    const { request, own, other, library, holding } = await sentToOneOfTwoHolders(app, sample('loan-same-region'));
    const desk = await app.token('supplier', own.libraryId);
    expect(await holding(own.libraryId, desk)).toEqual({ status: 200, body: { requestId: request.id, holding: own } });
    // The other holder was not sent the request: to it, the request does not exist; nor may one desk ask as another.
    expect((await holding(other.libraryId, await app.token('supplier', other.libraryId))).status).toBe(404);
    expect((await holding(other.libraryId, desk)).status).toBe(403);
    expect((await holding(own.libraryId, library)).status).toBe(403);
  });
});

/** A loan the library has confirmed receiving, and who lent it. */
async function onLoan(): Promise<{ id: string; library: string; lender: string }> {
  const request = sample('loan-same-region');
  const library = await app.token('librarian', request.requester.libraryId);
  expect((await app.call('POST', '/api/requests', library, request)).status).toBe(201);
  const sent = await app.until(request.id, library, (body) => body.status === 'with-supplier');
  const lender: string = sent.supplier.id;
  const loaned = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, await app.token('supplier', lender), { supplierId: lender, status: 'Loaned', dueDate: '2027-01-06T17:30:00Z' });
  expect(loaned.status).toBe(202);
  await app.until(request.id, library, (body) => body.tasks.some((task: { type: string }) => task.type === 'receive'));
  expect((await app.call('POST', `/api/requests/${request.id}/receive`, library, {})).status).toBe(200);
  await app.until(request.id, library, (body) => body.status === 'loaned');
  return { id: request.id, library, lender };
}

describe('a loan', () => {
  it('refuses a second renewal while the first waits for the supplier, by the in-progress code', async () => {
    const { id, library } = await onLoan();
    expect((await app.call('POST', `/api/requests/${id}/renew`, library, {})).status).toBe(200);
    const again = await app.call('POST', `/api/requests/${id}/renew`, library, {});
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'in-progress', message: 'a renewal is already waiting for the supplier' } } });
  });

  it('ends when its lender says it is complete, and the entry names the lender', async () => {
    const { id, library, lender } = await onLoan();
    const said = await app.call('POST', `/api/requests/${id}/supplier-messages`, await app.token('supplier', lender), { supplierId: lender, status: 'CompletedWithoutReturn' });
    expect(said.status).toBe(202);
    const completed = await app.until(id, library, (body) => body.status === 'completed');
    expect(completed.history.at(-1)).toMatchObject({ status: 'completed', event: 'supplier-status', supplierId: lender, supplierStatus: 'CompletedWithoutReturn' });
  });
});
