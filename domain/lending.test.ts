import { describe, expect, it } from 'vitest';
import { answerRefusal, borrowerRefusal, isoStatus, type LendingState } from './lending';

// Which answers and borrower messages fit a lending request in each state: the rules the workflow's
// validators apply, without a server.

const state = (changes: Partial<LendingState> = {}, service: LendingState['lending']['service'] = 'copy-or-loan'): LendingState => ({
  lending: {
    id: 'L1',
    lenderId: 'pku',
    lenderAgencyId: 'ISIL:CN-PKU',
    borrower: { agencyId: 'ISIL:CN-100000-0', requestId: 'b-1' },
    citation: { title: '中国考古学通论' },
    service,
    urgency: 'normal',
    receivedAt: '2026-11-30T08:00:00.000Z',
  },
  status: 'received',
  history: [],
  ...changes,
});

describe('lending answers', () => {
  it('takes each answer only where it fits', () => {
    expect(answerRefusal(state(), { answer: 'will-supply' })).toBeUndefined();
    expect(answerRefusal(state({ status: 'will-supply' }), { answer: 'will-supply' })).toBe('a lending request that is will-supply takes no such answer');
    expect(answerRefusal(state({ status: 'loaned' }), { answer: 'recall' })).toBeUndefined();
    expect(answerRefusal(state({ status: 'copy-sent' }), { answer: 'recall' })).toMatch(/copy-sent takes no such answer/);
    expect(answerRefusal(state({ status: 'return-shipped' }), { answer: 'return-received' })).toBeUndefined();
    expect(answerRefusal(state({ status: 'cancelled' }), { answer: 'unfilled', reason: 'NotHeld' })).toBe('the lending request is cancelled');
  });

  it('keeps copies and loans to what the borrower asked for', () => {
    expect(answerRefusal(state({}, 'loan'), { answer: 'copy-sent' })).toBe('the borrower asked for a loan, not a copy');
    expect(answerRefusal(state({}, 'copy'), { answer: 'loaned', dueDate: '2027-01-01T00:00:00Z' })).toBe('the borrower asked for a copy, not a loan');
    expect(answerRefusal(state({}, 'copy-or-loan'), { answer: 'copy-sent' })).toBeUndefined();
  });

  it('answers cancel and renew questions only when asked, and wants a due date for a loan', () => {
    expect(answerRefusal(state(), { answer: 'cancel', approve: true })).toBe('the borrower has not asked to cancel');
    expect(answerRefusal(state({ question: { kind: 'cancel', at: '' } }), { answer: 'cancel', approve: true })).toBeUndefined();
    expect(answerRefusal(state({ status: 'loaned', question: { kind: 'renew', at: '' } }), { answer: 'renew', approve: true })).toMatch(/dueDate must be a date/);
    expect(answerRefusal(state(), { answer: 'loaned', dueDate: 'next week' })).toMatch(/dueDate must be a date/);
    expect(answerRefusal(state(), { answer: 'conditional', cost: { amount: 0, currency: 'CNY' } })).toBe('a conditional answer names a price above zero');
  });
});

describe('the borrower’s messages', () => {
  it('lets the borrower cancel before supply and renew while on loan, once at a time', () => {
    expect(borrowerRefusal(state({ status: 'will-supply' }), { action: 'Cancel' })).toBeUndefined();
    expect(borrowerRefusal(state({ status: 'loaned' }), { action: 'Cancel' })).toBe('the item was supplied already; it cannot be cancelled');
    expect(borrowerRefusal(state({ status: 'overdue' }), { action: 'Renew' })).toBeUndefined();
    expect(borrowerRefusal(state({ status: 'loaned', question: { kind: 'renew', at: '' } }), { action: 'Renew' })).toBe('a renew request waits for the lender already');
    expect(borrowerRefusal(state({ status: 'copy-sent' }), { action: 'ShippedReturn' })).toMatch(/copy-sent takes no such answer/);
    expect(borrowerRefusal(state({ status: 'completed' }), { action: 'StatusRequest' })).toBe('the lending request is completed');
  });

  it('takes a retry only when it agrees to the price offered', () => {
    const conditional = state({ status: 'conditional', offeredCost: { amount: 80, currency: 'CNY' } });
    expect(borrowerRefusal(conditional, { action: 'Retry', maxCost: { amount: 80, currency: 'CNY' } })).toBeUndefined();
    expect(borrowerRefusal(conditional, { action: 'Retry', maxCost: { amount: 79, currency: 'CNY' } })).toMatch(/must agree to the price offered, 80 CNY/);
    expect(borrowerRefusal(conditional, { action: 'Retry', maxCost: { amount: 80, currency: 'USD' } })).toMatch(/must agree/);
    expect(borrowerRefusal(state(), { action: 'Retry', maxCost: { amount: 80, currency: 'CNY' } })).toBe('the lender set no condition on this request (it is received)');
  });

  it('shows a completed loan as LoanCompleted and a completed copy as CopyCompleted', () => {
    expect(isoStatus({ status: 'completed', dueDate: '2027-01-01T00:00:00Z' })).toBe('LoanCompleted');
    expect(isoStatus({ status: 'completed' })).toBe('CopyCompleted');
    expect(isoStatus({ status: 'return-shipped' })).toBe('Loaned');
  });
});
