import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/harness';
import type { Database } from '../db/database';
import type { IllRequest } from '../../domain/request';
import { postingsOf, type Charge } from '../../domain/ledger';
import { KnexRequestStore } from './knex-store';

// The centre's ledger: each fill's postings written with its charge, once; reversals once; and
// statements and month totals that add up exactly.

const terms = { fee: { share: 0.05 }, subsidy: { bySupplierKind: { 'service-library': 0.5 } } };

const request = (id: string, libraryId = 'whu'): IllRequest => ({
  id,
  requester: { libraryId, patronId: 'p-1' },
  service: 'copy',
  citation: { title: '长江流域的考古', language: 'zh' },
  urgency: 'normal',
});

const chargeOf = (requestId: string, amount: number, libraryId = 'whu', supplierId = 'pku'): Charge => ({
  key: `request-${requestId}:charge:1`,
  requestId,
  libraryId,
  supplierId,
  amount,
  currency: 'CNY',
});

describe.each(databaseKinds)('ledger on $name', ({ open }) => {
  let database: Database;
  let store: KnexRequestStore;
  let serial = 0;
  const fresh = async (libraryId = 'whu') => {
    const id = `ledger-${++serial}`;
    await store.insertRequest(request(id, libraryId), `request-${id}`);
    return id;
  };

  beforeAll(async () => {
    database = await open();
    store = new KnexRequestStore(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('posts a fill once with its charge, however often the same fill is posted', async () => {
    const id = await fresh();
    const charge = chargeOf(id, 20);
    const postings = postingsOf(charge, 'service-library', terms, '2026-10-05T02:00:00.000Z');
    const notice = { key: `request-${id}:reader:5:delivered`, requestId: id, libraryId: 'whu', patronId: 'p-1', kind: 'delivered' as const, detail: {} };
    await store.recordFill({ charge, postings, notice });
    // A retry, or a second run after the worker died, posting the fill again at another moment.
    await store.recordFill({ charge, postings: postingsOf(charge, 'service-library', terms, '2026-10-05T02:00:09.000Z'), notice });
    expect(await store.postCharge(charge, postings)).toBe(false);

    expect(await store.listCharges(id)).toEqual([charge]);
    const posted = await store.listPostings(id);
    expect(posted).toEqual(postings);
    expect(posted.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(0);
  });

  it('writes a charge and its postings together or not at all', async () => {
    const id = await fresh();
    const charge = chargeOf(id, 12.5);
    const postings = postingsOf(charge, 'nstl', terms, '2026-10-06T02:00:00.000Z');
    // A posting the table cannot take (a currency code too long) fails the whole write: no charge either.
    await expect(store.postCharge(charge, [...postings, { ...postings[0]!, key: `${charge.key}:bad`, currency: 'YUAN' }])).rejects.toThrow();
    expect(await store.listCharges(id)).toEqual([]);
    expect(await store.listPostings(id)).toEqual([]);
    expect(await store.postCharge(charge, postings)).toBe(true);
    expect((await store.listPostings(id)).map((p) => p.key)).toEqual(postings.map((p) => p.key));
  });

  it('reverses each posting of a request once, in the month of the reversal', async () => {
    const id = await fresh();
    const charge = chargeOf(id, 33.35);
    await store.postCharge(charge, postingsOf(charge, 'service-library', terms, '2026-10-31T15:00:00.000Z'));
    const at = '2026-10-31T16:30:00.000Z'; // 00:30 on 1 November in China
    expect(await store.reverseRequestPostings(id, at)).toEqual({ reversed: 6, settled: 0 });
    expect(await store.reverseRequestPostings(id, '2026-11-02T00:00:00.000Z')).toEqual({ reversed: 6, settled: 0 });
    expect((await store.listPostings(id)).filter((p) => p.kind === 'reversal')).toHaveLength(6);
    const posted = await store.listPostings(id);
    const reversals = posted.filter((p) => p.kind === 'reversal');
    expect(reversals).toHaveLength(6);
    for (const original of posted.filter((p) => p.kind !== 'reversal')) {
      expect(reversals).toContainEqual(
        expect.objectContaining({ key: `${original.key}:reversed`, transactionKey: `${charge.key}:reversed`, reverses: original.key, account: original.account, counterparty: original.counterparty, amountMinor: -original.amountMinor, month: '2026-11', postedAt: at }),
      );
    }
    expect(reversals.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(0);
    // Nothing of another request is touched; a request without postings reverses nothing.
    expect(await store.reverseRequestPostings(await fresh(), at)).toEqual({ reversed: 0, settled: 0 });
  });

  it('leaves what was posted in a closed month as settled, and reverses the rest', async () => {
    const id = await fresh();
    const settled = chargeOf(id, 10);
    await store.postCharge(settled, postingsOf(settled, 'vendor', terms, '2026-04-20T03:00:00.000Z'));
    const open = { ...chargeOf(id, 4), key: `request-${id}:charge:2` };
    await store.postCharge(open, postingsOf(open, 'vendor', terms, '2026-05-02T03:00:00.000Z'));
    expect(await store.monthClosed('2026-04')).toBeUndefined();
    expect(await store.closeMonth('2026-04', 'staff@centre')).toBe(true);
    expect(await store.closeMonth('2026-04', 'someone@centre')).toBe(false);
    expect(await store.monthClosed('2026-04')).toEqual({ at: expect.any(String), by: 'staff@centre' });

    expect(await store.reverseRequestPostings(id, '2026-05-10T03:00:00.000Z')).toEqual({ reversed: 4, settled: 4 });
    const reversals = (await store.listPostings(id)).filter((p) => p.kind === 'reversal');
    expect(reversals.map((p) => p.transactionKey)).toEqual(Array(4).fill(`${open.key}:reversed`));
    expect((await store.monthTotals('2026-05'))[0]?.sumMinor).toBe(0);
  });

  it('states a library’s month: opening balance, its postings, totals and closing balance', async () => {
    const library = `lib${serial}`;
    const at = (day: string) => `2026-08-${day}T03:00:00.000Z`;
    const july = await fresh(library);
    await store.postCharge(chargeOf(july, 10, library), postingsOf(chargeOf(july, 10, library), 'vendor', terms, '2026-07-20T03:00:00.000Z'));
    const first = await fresh(library);
    await store.postCharge(chargeOf(first, 20, library), postingsOf(chargeOf(first, 20, library), 'service-library', terms, at('03')));
    const second = await fresh(library);
    await store.postCharge(chargeOf(second, 0.07, library, 'nstl'), postingsOf(chargeOf(second, 0.07, library, 'nstl'), 'nstl', terms, at('09')));
    await store.reverseRequestPostings(first, at('15'));
    // In September: not in August's statement nor in its opening balance.
    const later = await fresh(library);
    await store.postCharge(chargeOf(later, 5, library), postingsOf(chargeOf(later, 5, library), 'vendor', terms, '2026-09-01T03:00:00.000Z'));

    const statement = await store.statement({ kind: 'library', id: library }, '2026-08');
    // July: 10.00 and a 0.50 fee. August: 20.00, fee 1.00, subsidy -10.00; 0.07 (a fee of 0.0035 rounds to nothing); all of the first reversed.
    expect(statement.balances).toEqual([{ currency: 'CNY', openingMinor: 1050, debitsMinor: 2000 + 100 + 7 + 1000, creditsMinor: -1000 - 2000 - 100, closingMinor: 1057 }]);
    expect(statement.postings.map((p) => [p.requestId, p.kind, p.counterparty.id, p.amountMinor])).toEqual([
      [first, 'price', 'pku', 2000],
      [first, 'fee', 'centre', 100],
      [first, 'subsidy', 'centre', -1000],
      [second, 'price', 'nstl', 7],
      [first, 'reversal', 'pku', -2000],
      [first, 'reversal', 'centre', -100],
      [first, 'reversal', 'centre', 1000],
    ]);
    const supplier = await store.statement({ kind: 'supplier', id: 'nstl' }, '2026-08');
    expect(supplier.postings.filter((p) => p.requestId === second).map((p) => p.amountMinor)).toEqual([-7]);
    expect(await store.statement({ kind: 'library', id: 'nobody' }, '2026-08')).toEqual({ account: { kind: 'library', id: 'nobody' }, month: '2026-08', balances: [], postings: [] });
  });

  it('sums every month to zero per currency', async () => {
    const id = await fresh();
    const usd = { ...chargeOf(id, 41.99), key: `request-${id}:charge:2`, currency: 'USD', supplierId: 'harvard-yenching' };
    await store.postCharge(usd, postingsOf(usd, 'overseas', { fee: { share: 0.033 } }, '2026-06-10T03:00:00.000Z'));
    const cny = chargeOf(id, 7.77);
    await store.postCharge(cny, postingsOf(cny, 'service-library', terms, '2026-06-11T03:00:00.000Z'));
    const totals = await store.monthTotals('2026-06');
    expect(totals).toEqual([
      { currency: 'CNY', debitsMinor: 777 + 39 + 389, creditsMinor: -(777 + 39 + 389), sumMinor: 0, postings: 6 },
      { currency: 'USD', debitsMinor: 4199 + 139, creditsMinor: -(4199 + 139), sumMinor: 0, postings: 4 },
    ]);
    expect(await store.monthTotals('1999-01')).toEqual([]);
  });
});
