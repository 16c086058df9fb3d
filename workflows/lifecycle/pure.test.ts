import { describe, expect, it } from 'vitest';
import type { IllRequest } from '../../domain/request';
import type { Actor, RequestState } from '../../domain/request-state';
import type { LifecycleTimings } from '../definitions';
import { DAY, deliveryExpiry, extendedDeadline, HOUR, loanDueDate, nextLoanWake, taskDueAt, tryWindow } from './deadlines';
import { checkCancel, checkClose, checkLoanAction, checkRenewAnswer, checkReview, checkSearchProxyAnswer, checkSupplierMessage, checkTaskAnswer } from './validators';

// The lifecycle's pure parts, without a Temporal server: what an update must satisfy and when things fall due.

const timings: LifecycleTimings = {
  expectToSupplyExtensionHours: 48,
  willSupplyExtensionHours: 24,
  copyLinkValidHours: 72,
  ebookValidDays: 30,
  loanPeriodDays: 30,
  loanReminderDaysBeforeDue: 3,
  returnConfirmDays: 14,
  taskDueHours: { review: 8, approveCost: 24, loanCondition: 24, searchProxy: 72, receive: 72, renewAnswer: 48 },
  historyLimit: 2_000,
};

const request: IllRequest = {
  id: 'r-1',
  requester: { libraryId: 'xtu', patronId: 'p-1' },
  service: 'copy',
  urgency: 'normal',
  citation: { title: 'A study' },
};

const librarian = (libraryId: string): Actor => ({ subject: `librarian@${libraryId}`, role: 'librarian', libraryId });
const centre: Actor = { subject: 'admin', role: 'administrator', libraryId: 'centre' };

function stateOf(changes: Partial<RequestState> = {}): RequestState {
  return { requestId: 'r-1', status: 'awaiting-review', request, rota: [], attempts: 0, tried: [], tasks: [], charges: [], history: [], ...changes };
}

const reviewTask = {
  id: 'review-3',
  type: 'review' as const,
  assignee: { role: 'librarian', libraryId: 'xtu' },
  openedAt: '',
  dueAt: '',
  escalated: false,
  detail: {},
};
const decision = {
  rulesetVersion: 'sha256:x',
  requestId: 'r-1',
  outcome: 'review' as const,
  rota: [{ supplierId: 'nlc', score: 1, terms: {}, rules: [] }, { supplierId: 'nstl', score: 0, terms: {}, rules: [] }],
  excluded: [],
  tasks: [],
  deadlineHours: 24,
};

describe('deadlines', () => {
  const t0 = Date.parse('2026-11-25T00:00:00Z');

  it('gives each try the decision deadline, a day when routing set none', () => {
    expect(tryWindow(6)).toBe(6 * HOUR);
    expect(tryWindow(undefined)).toBe(24 * HOUR);
  });

  it('extends a deadline by a promise from now, never shortening it', () => {
    expect(extendedDeadline(t0 + HOUR, t0, 'WillSupply', timings)).toBe(t0 + 24 * HOUR);
    expect(extendedDeadline(t0 + HOUR, t0, 'ExpectToSupply', timings)).toBe(t0 + 48 * HOUR);
    expect(extendedDeadline(t0 + 100 * HOUR, t0, 'WillSupply', timings)).toBe(t0 + 100 * HOUR);
  });

  it('keeps a copy link for hours and an e-book download for a month', () => {
    expect(deliveryExpiry('copy', t0, timings)).toBe(t0 + 72 * HOUR);
    expect(deliveryExpiry('ebook', t0, timings)).toBe(t0 + 30 * DAY);
  });

  it('sets task and loan due times from the timings', () => {
    expect(taskDueAt(t0, 'review', timings)).toBe(t0 + 8 * HOUR);
    expect(loanDueDate(t0, timings)).toBe(t0 + 30 * DAY);
  });

  it('wakes a loan for its reminder, then its due date, then only when someone acts', () => {
    const loan = { supplierId: 'pku', dueDate: new Date(t0 + 10 * DAY).toISOString(), renewals: 0, renewalPending: false };
    expect(nextLoanWake(loan, 'loaned', t0, timings)).toBe(t0 + 7 * DAY);
    expect(nextLoanWake({ ...loan, remindedFor: loan.dueDate }, 'loaned', t0, timings)).toBe(t0 + 10 * DAY);
    expect(nextLoanWake(loan, 'loaned', t0 + 8 * DAY, timings)).toBe(t0 + 10 * DAY);
    expect(nextLoanWake({ ...loan, remindedFor: loan.dueDate }, 'overdue', t0 + 11 * DAY, timings)).toBeUndefined();
  });
});

describe('update validators', () => {
  it('lets only the assignee or the centre answer an open task, once', () => {
    const state = stateOf({ tasks: [reviewTask] });
    expect(() => checkTaskAnswer(state, 'review', librarian('xtu'), false)).not.toThrow();
    expect(() => checkTaskAnswer(state, 'review', centre, false)).not.toThrow();
    expect(() => checkTaskAnswer(state, 'review', librarian('pku'), false)).toThrow('the review task is assigned to a librarian of xtu');
    expect(() => checkTaskAnswer(state, 'review', librarian('xtu'), true)).toThrow('the review task has already been answered');
    expect(() => checkTaskAnswer(state, 'approveCost', librarian('xtu'), false)).toThrow('request r-1 has no open approveCost task (it is awaiting-review)');
    expect(() => checkTaskAnswer(state, 'review', undefined, false)).toThrow('the acting account (actor) is required');
    expect(() => checkTaskAnswer(state, 'review', { ...librarian('xtu'), subject: ' ' }, false)).toThrow('actor.subject is required');
  });

  it('checks a review against the rota routing offered', () => {
    const state = stateOf({ decision });
    const actor = librarian('xtu');
    expect(() => checkReview(state, { actor, decision: 'changeRota', rota: ['nstl'] })).not.toThrow();
    expect(() => checkReview(state, { actor, decision: 'changeRota', rota: ['nowhere'] })).toThrow('not in the rota: nowhere');
    expect(() => checkReview(state, { actor, decision: 'changeRota', rota: ['nlc', 'nlc'] })).toThrow('the rota names a supplier twice');
    expect(() => checkReview(state, { actor, decision: 'changeRota', rota: [] })).toThrow('changeRota needs a non-empty rota');
    expect(() => checkReview(state, { actor, decision: 'reject' })).toThrow('a reason for rejecting is required');
    expect(() => checkReview(state, { actor, decision: 'maybe' as 'approve' })).toThrow('decision must be approve, reject or changeRota');
  });

  it('asks search-proxy staff for what each outcome needs', () => {
    const actor = { subject: 'proxy', role: 'search-proxy', libraryId: 'centre' };
    expect(() => checkSearchProxyAnswer(stateOf(), { actor, outcome: 'supplied' })).toThrow('the delivery link (deliveryUrl) is required');
    expect(() => checkSearchProxyAnswer(stateOf({ request: { ...request, service: 'loan' } }), { actor, outcome: 'supplied' })).not.toThrow();
    expect(() => checkSearchProxyAnswer(stateOf(), { actor, outcome: 'found' })).toThrow('supplierId');
    expect(() => checkSearchProxyAnswer(stateOf(), { actor, outcome: 'unfillable' })).toThrow('a reason the item cannot be supplied is required');
  });

  it('takes a renewal only to a later due date', () => {
    const loan = { supplierId: 'pku', dueDate: '2026-12-01T00:00:00.000Z', renewals: 0, renewalPending: true };
    const actor = { subject: 'loans@pku', role: 'supplier', libraryId: 'pku' };
    expect(() => checkRenewAnswer(stateOf({ loan }), { actor, approve: true, dueDate: '2026-12-15' })).not.toThrow();
    expect(() => checkRenewAnswer(stateOf({ loan }), { actor, approve: true, dueDate: '2026-11-30' })).toThrow('the new due date must be after');
    expect(() => checkRenewAnswer(stateOf({ loan }), { actor, approve: true })).toThrow('needs the new due date');
    expect(() => checkRenewAnswer(stateOf({ loan }), { actor, approve: false })).not.toThrow();
  });

  it('lets only the borrowing library return or renew a loan it holds', () => {
    const loan = { supplierId: 'pku', dueDate: '2026-12-01T00:00:00.000Z', renewals: 0, renewalPending: false };
    const onLoan = stateOf({ status: 'loaned', loan });
    expect(() => checkLoanAction(onLoan, 'return', librarian('xtu'), false)).not.toThrow();
    expect(() => checkLoanAction(onLoan, 'return', librarian('pku'), false)).toThrow('only xtu, which borrowed the item, can return it');
    expect(() => checkLoanAction(stateOf(), 'return', librarian('xtu'), false)).toThrow('request r-1 is awaiting-review, not on loan');
    expect(() => checkLoanAction(onLoan, 'renew', librarian('xtu'), true)).toThrow('a renew is already being handled');
    expect(() => checkLoanAction(stateOf({ status: 'loaned', loan: { ...loan, renewalPending: true } }), 'renew', librarian('xtu'), false)).toThrow(
      'a renewal is already waiting for the supplier',
    );
  });

  it('cancels only before delivery, once, with a reason', () => {
    const actor = librarian('xtu');
    expect(() => checkCancel(stateOf(), { actor, reason: 'not needed' }, false)).not.toThrow();
    expect(() => checkCancel(stateOf(), { actor, reason: '' }, false)).toThrow('a reason for cancelling is required');
    expect(() => checkCancel(stateOf({ status: 'delivered' }), { actor, reason: 'x' }, false)).toThrow('request r-1 is delivered and can no longer be cancelled');
    expect(() => checkCancel(stateOf(), { actor, reason: 'x' }, true)).toThrow('request r-1 is already being cancelled');
  });

  it("closes by the centre's staff alone, with a reason, once, in any status that is not final", () => {
    const staff: Actor = { subject: 'staff@centre', role: 'administrator', libraryId: 'centre' };
    for (const status of ['awaiting-review', 'with-supplier', 'delivered', 'shipped', 'loaned', 'overdue'] as const) {
      expect(() => checkClose(stateOf({ status }), { actor: staff, reason: 'the supplier went silent' }, false)).not.toThrow();
    }
    expect(() => checkClose(stateOf(), { actor: librarian('xtu'), reason: 'x' }, false)).toThrow("only the centre's staff (administrator) can close a request");
    expect(() => checkClose(stateOf(), { actor: staff, reason: ' ' }, false)).toThrow('a reason for closing is required');
    expect(() => checkClose(stateOf({ status: 'cancelled' }), { actor: staff, reason: 'x' }, false)).toThrow('request r-1 is cancelled and can no longer be closed');
    expect(() => checkClose(stateOf(), { actor: staff, reason: 'x' }, true)).toThrow('request r-1 is already being closed or cancelled');
  });

  it('hears a supplier only about a request it holds, while the request is open', () => {
    const withNstl = stateOf({ status: 'with-supplier', supplier: { id: 'nstl', attempt: 1, deadline: '' } });
    expect(() => checkSupplierMessage(withNstl, { supplierId: 'nstl', status: 'WillSupply' })).not.toThrow();
    expect(() => checkSupplierMessage(withNstl, { supplierId: 'nlc', status: 'WillSupply' })).toThrow('request r-1 is not with supplier nlc (it is with-supplier)');
    expect(() => checkSupplierMessage(withNstl, { supplierId: 'nstl', status: 'Shipped' as 'Loaned' })).toThrow('status must be one of');
    expect(() => checkSupplierMessage(stateOf({ status: 'completed' }), { supplierId: 'nstl', status: 'Loaned' })).toThrow('request r-1 is completed');
  });
});
