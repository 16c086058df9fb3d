import { describe, expect, it } from 'vitest';
import { formatMinor, ledgerDate, ledgerMonth, postingsOf, settlementOf, toMinor, type Charge } from './ledger';

// What a fill posts to the centre's ledger under the policy's settlement terms.

const charge: Charge = { key: 'request-r1:charge:1', requestId: 'r1', libraryId: 'whu', supplierId: 'pku', amount: 33.35, currency: 'CNY' };
const at = '2026-12-07T04:00:00.000Z';
const sum = (amounts: number[]) => amounts.reduce((total, amount) => total + amount, 0);

describe('postingsOf', () => {
  it('charges the library the price, credits the supplier, and nothing else without settlement terms', () => {
    const postings = postingsOf(charge, 'service-library', undefined, at);
    expect(postings.map((p) => [p.key, p.account, p.counterparty, p.amountMinor, p.kind])).toEqual([
      ['request-r1:charge:1:price:library', { kind: 'library', id: 'whu' }, { kind: 'supplier', id: 'pku' }, 3335, 'price'],
      ['request-r1:charge:1:price:supplier', { kind: 'supplier', id: 'pku' }, { kind: 'library', id: 'whu' }, -3335, 'price'],
    ]);
    expect(postings.every((p) => p.transactionKey === charge.key && p.month === '2026-12' && p.currency === 'CNY' && p.requestId === 'r1')).toBe(true);
  });

  it('adds the centre fee and the subsidy of the supplier kind, each a pair summing to zero, in whole fen', () => {
    const terms = { fee: { share: 0.05, fixed: { amount: 1, currency: 'CNY' } }, subsidy: { share: 0.1, bySupplierKind: { 'service-library': 0.5 } } };
    const postings = postingsOf(charge, 'service-library', terms, at);
    const of = (kind: string, account: string) => postings.find((p) => p.kind === kind && p.account.kind === account)?.amountMinor;
    // 5% of 33.35 is 1.6675, rounded to 1.67, plus the fixed 1.00; half of 33.35 is 16.675, rounded to 16.68.
    expect([of('fee', 'library'), of('fee', 'centre'), of('subsidy', 'centre'), of('subsidy', 'library')]).toEqual([267, -267, 1668, -1668]);
    expect(sum(postings.map((p) => p.amountMinor))).toBe(0);
    expect(postings.every((p) => Number.isInteger(p.amountMinor))).toBe(true);
    // The library pays price and fee less the subsidy.
    expect(sum(postings.filter((p) => p.account.kind === 'library').map((p) => p.amountMinor))).toBe(3335 + 267 - 1668);
    expect(new Set(postings.map((p) => p.key)).size).toBe(postings.length);
  });

  it('takes a library’s own subsidy before its supplier kind’s, and a fixed fee only in its own currency', () => {
    const terms = { fee: { fixed: { amount: 2, currency: 'CNY' } }, subsidy: { share: 0.2, bySupplierKind: { vendor: 0.5 }, byLibrary: { whu: 1 } } };
    const usd = postingsOf({ ...charge, currency: 'USD', libraryId: 'xju' }, 'nstl', terms, at);
    expect(usd.filter((p) => p.kind === 'fee')).toEqual([]);
    expect(usd.find((p) => p.kind === 'subsidy' && p.account.kind === 'centre')?.amountMinor).toBe(667);
    const whole = postingsOf(charge, 'vendor', terms, at);
    expect(whole.find((p) => p.kind === 'subsidy' && p.account.kind === 'centre')?.amountMinor).toBe(3335);
  });
});

describe('ledger arithmetic', () => {
  it('dates a posting by the month in China, which starts eight hours before UTC’s', () => {
    expect(ledgerMonth('2026-11-30T15:59:59.999Z')).toBe('2026-11');
    expect(ledgerMonth('2026-11-30T16:00:00.000Z')).toBe('2026-12');
    expect(ledgerMonth('2026-12-31T16:00:00.000Z')).toBe('2027-01');
    expect(ledgerDate('2026-12-31T16:00:00.000Z')).toBe('2027-01-01');
  });

  it('turns yuan into whole fen without drift, and fen back into exact decimals', () => {
    expect(toMinor(0.1 + 0.2)).toBe(30);
    expect(toMinor(1.005)).toBe(101);
    expect(toMinor(19.99)).toBe(1999);
    expect([formatMinor(-1234), formatMinor(5), formatMinor(0), formatMinor(100000)]).toEqual(['-12.34', '0.05', '0.00', '1000.00']);
  });

  it('rounds a share of a price as written in decimal: 45 fen at 0.7 is 32 fen, though 45 × 0.7 is 31.4999… in binary', () => {
    expect(settlementOf(charge, 45, 'service-library', { fee: { share: 0.7 }, subsidy: { share: 0.7 } })).toEqual({ fee: 32, subsidy: 32 });
  });
});
