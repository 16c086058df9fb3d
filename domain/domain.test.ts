import { describe, expect, it } from 'vitest';
import { exceededLimit } from './money';
import policySchema from '../config/schemas/policy.schema.json';
import { currentSupplier, TASK_TYPES, type RequestState } from './request-state';
import { hear, judgeSupplierMessage, type Heard, type SupplierMessage } from './supplier-messages';

// The kernel's policies, which the workflow, the API and the routing all rely on.

describe('exceededLimit', () => {
  const cny = (amount: number) => ({ amount, currency: 'CNY' });

  it('finds a price within every limit, or names the first it exceeds', () => {
    expect(exceededLimit(cny(30), { autoApproveLimit: cny(30), maxCost: cny(50) })).toBeUndefined();
    expect(exceededLimit(cny(31), { autoApproveLimit: cny(30), maxCost: cny(50) })).toEqual({ limit: 'autoApproveLimit', value: cny(30) });
    expect(exceededLimit(cny(40), { autoApproveLimit: cny(100), maxCost: cny(35) })).toEqual({ limit: 'maxCost', value: cny(35) });
    expect(exceededLimit(cny(1_000), {})).toBeUndefined();
  });

  it('takes a limit in another currency as exceeded, since the engine converts no money', () => {
    expect(exceededLimit({ amount: 1, currency: 'USD' }, { autoApproveLimit: cny(100) })).toEqual({ limit: 'autoApproveLimit', value: cny(100) });
  });
});

describe('currentSupplier', () => {
  const base: Pick<RequestState, 'status' | 'supplier' | 'loan' | 'delivery'> = { status: 'with-supplier' };

  it('is the supplier working on the request, then the lender, then the one that delivered', () => {
    expect(currentSupplier({ ...base, supplier: { id: 'nlc', attempt: 1, deadline: '' } })).toBe('nlc');
    expect(currentSupplier({ ...base, status: 'loaned', loan: { supplierId: 'pku', dueDate: '', renewals: 0, renewalPending: false } })).toBe('pku');
    expect(currentSupplier({ ...base, status: 'delivered', delivery: { kind: 'copy', supplierId: 'cnki', expiresAt: '' } })).toBe('cnki');
    expect(currentSupplier(base)).toBeUndefined();
  });

  it('is nobody once the request has ended', () => {
    expect(currentSupplier({ status: 'completed', loan: { supplierId: 'pku', dueDate: '', renewals: 0, renewalPending: false } })).toBeUndefined();
  });
});

describe('judging supplier messages', () => {
  const from = (status: SupplierMessage['status'], extra: Partial<SupplierMessage> = {}): SupplierMessage => ({ supplierId: 'nstl', status, ...extra });
  const heardAll = (...messages: SupplierMessage[]) => messages.reduce<Heard | undefined>((heard, message) => hear(heard, message), undefined);

  it('accepts the first message and every step forward', () => {
    expect(judgeSupplierMessage(undefined, from('CopyCompleted'))).toEqual({ verdict: 'accepted' });
    expect(judgeSupplierMessage(heardAll(from('RequestReceived')), from('WillSupply'))).toEqual({ verdict: 'accepted' });
    expect(judgeSupplierMessage(heardAll(from('Loaned')), from('Recalled', { dueDate: '2026-12-01' }))).toEqual({ verdict: 'accepted' });
    expect(judgeSupplierMessage(heardAll(from('Loaned'), from('Recalled', { dueDate: '2026-12-01' })), from('Recalled', { dueDate: '2026-11-30' }))).toEqual({
      verdict: 'accepted',
    });
  });

  it('recognises a repeat whatever order its fields were written in', () => {
    const sent = from('RetryPossible', { cost: { amount: 12, currency: 'CNY' }, reason: 'CostExceedsMaxCost' });
    const resent = { reason: 'CostExceedsMaxCost', cost: { currency: 'CNY', amount: 12 }, status: 'RetryPossible', supplierId: 'nstl' } as SupplierMessage;
    expect(judgeSupplierMessage(heardAll(sent), resent)).toEqual({ verdict: 'duplicate' });
  });

  it('refuses a step back, and a condition once the item is on its way', () => {
    expect(judgeSupplierMessage(heardAll(from('WillSupply')), from('ExpectToSupply'))).toMatchObject({ verdict: 'out-of-order' });
    expect(judgeSupplierMessage(heardAll(from('CopyCompleted')), from('RequestReceived', { reason: 'late' }))).toMatchObject({ verdict: 'out-of-order' });
    expect(judgeSupplierMessage(heardAll(from('WillSupply')), from('RetryPossible', { cost: { amount: 5, currency: 'CNY' } }))).toEqual({ verdict: 'accepted' });
    expect(judgeSupplierMessage(heardAll(from('Loaned')), from('RetryPossible', { cost: { amount: 5, currency: 'CNY' } }))).toMatchObject({ verdict: 'out-of-order' });
  });

  it('takes a note at any stage, once, and lets it move the stage neither way', () => {
    const note = from('RequestReceived', { notification: true, reason: 'at the bindery until Friday' });
    const promised = heardAll(from('WillSupply'));
    expect(judgeSupplierMessage(promised, note)).toEqual({ verdict: 'accepted' });
    expect(judgeSupplierMessage(heardAll(from('WillSupply'), note), { ...note })).toEqual({ verdict: 'duplicate' });
    expect(hear(promised, note).stage).toBe(promised!.stage);
    expect(hear(undefined, from('CopyCompleted', { notification: true })).stage).toBe(0);
    // The same status without the mark is no note, and a note does not stand for the message it repeats.
    expect(judgeSupplierMessage(heardAll(from('WillSupply'), note), from('RequestReceived', { reason: 'at the bindery until Friday' }))).toMatchObject({ verdict: 'out-of-order' });
    expect(judgeSupplierMessage(heardAll(from('RetryPossible', { loanCondition: 'LibraryUseOnly' })), from('RetryPossible', { loanCondition: 'NoReproduction' }))).toEqual({ verdict: 'accepted' });
  });

  it('keeps the furthest stage heard', () => {
    expect(heardAll(from('WillSupply'), from('RetryPossible', { cost: { amount: 5, currency: 'CNY' } }))).toMatchObject({ stage: 3 });
    expect(heardAll(from('Loaned'), from('LoanCompleted'))!.stage).toBeGreaterThan(heardAll(from('Loaned'))!.stage);
  });
});

describe('task kinds', () => {
  it('are the ones the policy gives due times to, no more and no fewer', () => {
    const dueHours = policySchema.properties.lifecycle.properties.taskDueHours;
    expect([...dueHours.required].sort()).toEqual([...TASK_TYPES].sort());
    expect(Object.keys(dueHours.properties).sort()).toEqual([...TASK_TYPES].sort());
  });
});
