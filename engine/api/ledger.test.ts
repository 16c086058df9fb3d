import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerMonth } from '../../domain/ledger';
import { sampleRequest, startTestService, type TestService } from '../../test/service';
import { KnexRequestStore } from '../store/knex-store';

// One account, one settlement, through the HTTP API and the real workflow on Temporal: fills posted
// to the ledger, statements for those entitled to them, and the centre's staff closing requests by
// hand, which tells the supplier and the reader and reverses what was charged.

let app: TestService;
let store: KnexRequestStore;
let serial = 0;
const sample = () => sampleRequest('express-copy-review', `ledger-${process.pid}-${++serial}`);
const month = () => ledgerMonth(new Date());

beforeAll(async () => {
  app = await startTestService();
  store = new KnexRequestStore(app.service.database.db);
});

afterAll(async () => {
  await app?.service.stop();
});

/** A request of xtu's sent to the first supplier of its rota, which has it now. */
async function withSupplier() {
  const request = sample();
  const xtu = await app.token('librarian', 'xtu');
  expect((await app.call('POST', '/api/requests', xtu, request)).status).toBe(201);
  await app.until(request.id, xtu, (body) => body.status === 'awaiting-review');
  await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'approve' });
  const sent = await app.until(request.id, xtu, (body) => body.status === 'with-supplier');
  return { request, xtu, supplierId: sent.supplier.id as string };
}

/** The same, delivered by that supplier at `price` yuan. */
async function delivered(price: number) {
  const sent = await withSupplier();
  const { request, xtu, supplierId } = sent;
  const message = { supplierId, status: 'CopyCompleted', deliveryUrl: 'https://example.org/copy.pdf', cost: { amount: price, currency: 'CNY' } };
  expect((await app.call('POST', `/api/requests/${request.id}/supplier-messages`, await app.token('supplier', supplierId), message)).status).toBe(202);
  await app.until(request.id, xtu, (body) => body.status === 'delivered');
  return sent;
}

const get = async (url: string, token: string, accept?: string) => {
  const response = await fetch(`${app.service.url}${url}`, { headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) } });
  return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), text: await response.text() };
};

describe('the ledger through the API', () => {
  it("posts a fill for settlement and shows it on the library's and the supplier's statements, to them and the centre only", async () => {
    const { request, xtu, supplierId } = await delivered(23.45);
    const posted = await store.listPostings(request.id);
    expect(posted.find((p) => p.kind === 'price' && p.account.kind === 'library')).toMatchObject({ account: { id: 'xtu' }, counterparty: { kind: 'supplier', id: supplierId }, amountMinor: 2345, month: month() });
    // The shipped policy: a 5% fee on the price (1.17), paid by the library to the centre.
    expect(posted.find((p) => p.kind === 'fee' && p.account.kind === 'library')?.amountMinor).toBe(117);
    expect(posted.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(0);

    const url = `/api/ledger/statements?library=xtu&month=${month()}`;
    const statement = await app.call('GET', url, xtu);
    expect(statement.status).toBe(200);
    const own = statement.body.postings.filter((p: { requestId: string }) => p.requestId === request.id);
    expect(own[0]).toMatchObject({ kind: 'price', amount: '23.45', currency: 'CNY', counterparty: { kind: 'supplier', id: supplierId }, date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(own.map((p: { kind: string }) => p.kind)).toContain('fee');
    const [cny] = statement.body.balances;
    const fen = (amount: string) => Math.round(Number(amount) * 100);
    expect(fen(cny.closing)).toBe(fen(cny.opening) + fen(cny.debits) + fen(cny.credits));
    expect(fen(cny.debits)).toBeGreaterThanOrEqual(2345 + 117);

    // The supplier's staff see its supplier account, credited the price, and not the library's.
    const supplierToken = await app.token('supplier', supplierId);
    const credited = await app.call('GET', `/api/ledger/statements?library=${supplierId}&account=supplier&month=${month()}`, supplierToken);
    expect(credited.body.postings.filter((p: { requestId: string }) => p.requestId === request.id).map((p: { amount: string }) => p.amount)).toEqual(['-23.45']);
    expect((await app.call('GET', url, supplierToken)).status).toBe(404);
    // Another library's librarian is told there is no such account; a reader may not ask at all.
    expect((await app.call('GET', url, await app.token('librarian', 'pku'))).status).toBe(404);
    expect((await app.call('GET', url, await app.token('reader', 'xtu', '201905774'))).status).toBe(403);
    const centre = await app.token('administrator', 'centre');
    expect((await app.call('GET', url, centre)).body).toEqual(statement.body);
    expect((await app.call('GET', `/api/ledger/statements?library=nowhere&month=${month()}`, centre)).status).toBe(404);
    expect((await app.call('GET', `/api/ledger/statements?account=centre&month=${month()}`, xtu)).status).toBe(404);
    const centreAccount = await app.call('GET', `/api/ledger/statements?account=centre&month=${month()}`, centre);
    expect(centreAccount.body.postings.filter((p: { requestId: string }) => p.requestId === request.id).map((p: { kind: string }) => p.kind)).toContain('fee');

    const badMonth = await app.call('GET', '/api/ledger/statements?library=xtu&month=2026-13', xtu);
    expect(badMonth).toMatchObject({ status: 400, body: { error: { problems: [expect.objectContaining({ path: '/query/month' })] } } });
    const noLibrary = await app.call('GET', `/api/ledger/statements?month=${month()}`, xtu);
    expect(noLibrary.body.error.problems).toContainEqual(expect.objectContaining({ path: '/query/library', message: 'is required' }));
  });

  it('gives the statement as CSV when asked by format or by Accept', async () => {
    const { request, xtu } = await delivered(8.8);
    for (const [query, accept] of [['&format=csv', undefined], ['', 'text/csv']] as const) {
      const csv = await get(`/api/ledger/statements?library=xtu&month=${month()}${query}`, xtu, accept);
      expect(csv.status).toBe(200);
      expect(csv.type).toMatch(/^text\/csv/);
      expect(csv.disposition).toContain(`statement-library-xtu-${month()}.csv`);
      const lines = csv.text.split('\r\n');
      expect(lines[0]).toBe('date,request,counterparty,kind,amount,currency');
      expect(lines[1]).toMatch(new RegExp(`^${month()}-01,,,opening balance,-?\\d+\\.\\d{2},CNY$`));
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\d{4}-\\d{2}-\\d{2},${request.id},supplier:[a-z-]+,price,8\\.80,CNY$`)));
      expect(lines.at(-2)).toMatch(/^,,,closing balance,-?\d+\.\d{2},CNY$/);
      expect(lines.at(-1)).toBe('');
    }
  });

  it("shows the centre's staff that the month's postings sum to zero, and nobody else", async () => {
    await delivered(19.99);
    const centre = await app.token('administrator', 'centre');
    const totals = await app.call('GET', `/api/ledger/months/${month()}`, centre);
    expect(totals.body).toMatchObject({ month: month(), balanced: true, currencies: [expect.objectContaining({ currency: 'CNY', sum: '0.00' })] });
    expect(Number(totals.body.currencies[0].debits)).toBeGreaterThan(19.99);
    expect((await app.call('GET', `/api/ledger/months/${month()}`, await app.token('librarian', 'xtu'))).status).toBe(403);
    expect((await app.call('GET', '/api/ledger/months/2026-7', centre)).status).toBe(400);
  });

  it("lets the centre's staff close a past month's statements, once, and no month still running", async () => {
    const centre = await app.token('administrator', 'centre', 'staff@centre');
    const running = await app.call('POST', `/api/ledger/months/${month()}/close`, centre);
    expect(running).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('has not ended yet') } } });
    expect((await app.call('POST', '/api/ledger/months/2026-01/close', await app.token('librarian', 'xtu'))).status).toBe(403);
    const closed = await app.call('POST', '/api/ledger/months/2026-01/close', centre);
    expect(closed).toMatchObject({ status: 200, body: { month: '2026-01', closed: { by: 'staff@centre' } } });
    const again = await app.call('POST', '/api/ledger/months/2026-01/close', await app.token('administrator', 'centre', 'other@centre'));
    expect(again.body.closed).toEqual(closed.body.closed);
    expect((await app.call('GET', '/api/ledger/months/2026-01', centre)).body).toMatchObject({ closed: { by: 'staff@centre' }, balanced: true, currencies: [] });
    expect((await app.call('GET', `/api/ledger/months/${month()}`, centre)).body.closed).toBeNull();
  });
});

describe('closing a request by hand', () => {
  it('closes a request waiting at its supplier: the supplier, the reader and the audit trail are told who and why', async () => {
    const { request, xtu, supplierId } = await withSupplier();
    const centre = await app.token('administrator', 'centre', 'staff@centre');
    const closed = await app.call('POST', `/api/requests/${request.id}/close`, centre, { reason: 'the supplier has not answered for three weeks' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'cancelled', reason: 'closed by the centre: the supplier has not answered for three weeks' });

    const outbox = await app.call('GET', `/api/suppliers/${supplierId}/outbox`, centre);
    expect(outbox.body.entries.filter((entry: { requestId: string }) => entry.requestId === request.id).map((entry: { action: string; detail: unknown }) => [entry.action, entry.detail])).toContainEqual([
      'cancel',
      { reason: 'closed by the centre: the supplier has not answered for three weeks', closed: true },
    ]);
    const told = await app.service.database.db('reader_notices').where({ request_id: request.id, kind: 'cancelled' });
    expect(told.map((notice) => [notice.patron_id, notice.detail])).toEqual([[request.requester.patronId, { reason: 'closed by the centre: the supplier has not answered for three weeks' }]]);
    const trail = await store.listEvents(request.id);
    expect(trail.map((entry) => entry.detail.note)).not.toContainEqual(expect.stringContaining('charges reversed'));
    expect(trail.at(-1)).toMatchObject({ status: 'cancelled', detail: { by: 'staff@centre', supplierId, note: 'closed by the centre: the supplier has not answered for three weeks' } });
    expect(await store.listPostings(request.id)).toEqual([]);

    // Closed, it takes no more decisions.
    const late = await app.call('POST', `/api/requests/${request.id}/supplier-note`, xtu, { note: 'any news?' });
    expect(late.status).toBe(409);
  });

  it('closes a delivered request and reverses its charge once, however often it is closed', async () => {
    const { request, xtu } = await delivered(31.6);
    const before = await store.listPostings(request.id);
    expect(before.length).toBeGreaterThanOrEqual(4);
    const centre = await app.token('administrator', 'centre');
    const closed = await app.call('POST', `/api/requests/${request.id}/close`, centre, { reason: 'the copy sent was of another article' });
    expect(closed).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    const after = await store.listPostings(request.id);
    expect(after).toHaveLength(2 * before.length);
    expect(after.filter((p) => p.kind === 'reversal').map((p) => p.reverses).sort()).toEqual(before.map((p) => p.key).sort());
    expect(after.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(0);
    expect((await store.listEvents(request.id)).map((entry) => entry.detail.note)).toContain(`charges reversed in the ledger: ${before.length} postings`);
    // The library's part of it comes to nothing.
    expect(after.filter((p) => p.account.kind === 'library').reduce((sum, p) => sum + p.amountMinor, 0)).toBe(0);

    const again = await app.call('POST', `/api/requests/${request.id}/close`, centre, { reason: 'once more' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('cancelled');
    expect(await store.listPostings(request.id)).toHaveLength(after.length);
    expect((await app.call('GET', `/api/ledger/months/${month()}`, centre)).body.balanced).toBe(true);
    expect((await app.call('POST', `/api/requests/${request.id}/receive`, xtu, {})).status).toBe(409);
  });

  it("refuses anyone but the centre's staff, a close without a reason, and a request that does not exist", async () => {
    const { request, xtu } = await withSupplier();
    expect((await app.call('POST', `/api/requests/${request.id}/close`, xtu, { reason: 'we no longer need it' })).status).toBe(403);
    expect((await app.call('POST', `/api/requests/${request.id}/close`, await app.token('reader', 'xtu', '201905774'), { reason: 'no' })).status).toBe(403);
    const centre = await app.token('administrator', 'centre');
    const blank = await app.call('POST', `/api/requests/${request.id}/close`, centre, { reason: '  ' });
    expect(blank).toMatchObject({ status: 400, body: { error: { problems: [expect.objectContaining({ path: '/body/reason' })] } } });
    expect((await app.call('POST', `/api/requests/${request.id}/close`, centre, {})).body.error.problems).toContainEqual({ path: '/body/reason', message: 'is required' });
    expect((await app.call('POST', '/api/requests/nothing-here/close', centre, { reason: 'x' })).status).toBe(404);
    expect((await app.until(request.id, xtu, (body) => body.status === 'with-supplier')).status).toBe('with-supplier');
  });
});
