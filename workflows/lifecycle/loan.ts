// A loan from shipment to return: receipt, reminders, renewals, recalls and overdue notices; a long
// one continues as a new run so its history stays short.
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { requestLifecycle } from '../requestLifecycle';
import { DAY, nextLoanWake } from './deadlines';
import type { Phase } from './phases';
import type { RequestRun } from './run';
import { answered, openTask } from './tasks';

export async function shipped(run: RequestRun): Promise<Phase> {
  const loan = run.state.loan!;
  const task = openTask(run, 'receive', { role: 'librarian', libraryId: run.request.requester.libraryId }, { supplierId: loan.supplierId });
  await run.record('shipped', { supplierId: loan.supplierId, dueDate: loan.dueDate, note: `due ${loan.dueDate}` });
  await run.fill('shipped', { dueDate: loan.dueDate });
  const answer = await answered(run, task, 'receive');
  await run.notifySupplier(loan.supplierId, 'received');
  await run.record('loaned', { by: answer.actor.subject, supplierId: loan.supplierId, dueDate: loan.dueDate, note: `received; due ${loan.dueDate}` });
  return 'onLoan';
}

async function renewal(run: RequestRun, by: string): Promise<void> {
  const loan = run.state.loan!;
  loan.renewalPending = true;
  const task = openTask(run, 'renewAnswer', { role: 'supplier', libraryId: loan.supplierId }, { dueDate: loan.dueDate, requestedBy: by });
  await run.notifySupplier(loan.supplierId, 'renew', { dueDate: loan.dueDate });
  await run.record(run.state.status, { event: 'renewal-requested', by, dueDate: loan.dueDate, note: 'renewal requested' });
  const answer = await answered(run, task, 'renewAnswer');
  loan.renewalPending = false;
  if (answer.approve) {
    loan.dueDate = answer.dueDate!;
    loan.renewals += 1;
    await run.record('renewed', { by: answer.actor.subject, supplierId: loan.supplierId, dueDate: loan.dueDate, note: `due ${loan.dueDate}` });
  } else {
    await run.record(run.state.status, { event: 'renewal-refused', by: answer.actor.subject, supplierId: loan.supplierId, ...(answer.reason ? { text: answer.reason } : {}), note: `renewal refused${answer.reason ? `: ${answer.reason}` : ''}` });
  }
}

async function returned(run: RequestRun, by: string): Promise<Phase> {
  const loan = run.state.loan!;
  await run.record('returned', { by, supplierId: loan.supplierId });
  await run.notifySupplier(loan.supplierId, 'returned');
  const confirmed = await run.wait(() => run.inbox.some((m) => m.status === 'LoanCompleted'), run.timings.returnConfirmDays * DAY);
  return run.finish('completed', { event: confirmed ? 'return-confirmed' : 'return-unconfirmed', supplierId: loan.supplierId, note: confirmed ? 'return confirmed by the supplier' : 'returned; supplier did not confirm' });
}

/** Continues as a new run carrying the state, but only between events: one still being handled would be lost. */
async function continueIfLong(run: RequestRun): Promise<void> {
  const info = workflowInfo();
  if (info.historyLength <= run.timings.historyLimit && !info.continueAsNewSuggested) return;
  // A close waits for the run to act on it: the run must not wait for the close's handler to finish.
  const idle = () => run.answers.return === undefined && run.answers.renew === undefined && run.inbox.length === 0 && run.pendingClose === undefined;
  if (idle()) await condition(allHandlersFinished);
  if (!idle() || !allHandlersFinished()) return;
  await run.flush();
  await continueAsNew<typeof requestLifecycle>({ request: run.request, timings: run.timings, resume: run.state });
}

export async function onLoan(run: RequestRun): Promise<Phase> {
  const { state, answers, inbox, timings } = run;
  const loan = state.loan!;
  for (;;) {
    await continueIfLong(run);
    const wakeAt = nextLoanWake(loan, state.status, run.now(), timings);
    const woke = await run.wait(
      () => answers.return !== undefined || answers.renew !== undefined || inbox.length > 0,
      wakeAt === undefined ? undefined : wakeAt - run.now(),
    );
    if (answers.return) {
      const { actor } = answers.return;
      answers.return = undefined;
      return returned(run, actor.subject);
    }
    if (answers.renew) {
      const { actor } = answers.renew;
      answers.renew = undefined;
      await renewal(run, actor.subject);
      continue;
    }
    if (inbox.length > 0) {
      const message = inbox.shift()!;
      if (message.status === 'Recalled') {
        if (message.dueDate) loan.dueDate = message.dueDate;
        await run.record('recalled', { supplierId: loan.supplierId, dueDate: loan.dueDate, note: `recalled; due ${loan.dueDate}` });
        await run.notifyReader('recalled', { dueDate: loan.dueDate });
      } else if (message.status === 'Overdue' && state.status !== 'overdue') {
        await run.record('overdue', { event: 'supplier-status', supplierId: loan.supplierId, supplierStatus: message.status, dueDate: loan.dueDate, note: 'the supplier reports the item overdue' });
        await run.notifyReader('overdue', { dueDate: loan.dueDate });
      } else if (message.status === 'LoanCompleted' || message.status === 'CompletedWithoutReturn') {
        return run.finish('completed', { event: 'supplier-status', supplierId: loan.supplierId, supplierStatus: message.status, note: message.status });
      }
      continue;
    }
    if (woke) continue;
    if (run.now() < Date.parse(loan.dueDate)) {
      loan.remindedFor = loan.dueDate;
      await run.notifyReader('reminder', { dueDate: loan.dueDate });
      await run.record(state.status, { event: 'reminder', dueDate: loan.dueDate, note: `reminder: due ${loan.dueDate}` });
    } else {
      await run.record('overdue', { supplierId: loan.supplierId, dueDate: loan.dueDate, note: `was due ${loan.dueDate}` });
      await run.notifyReader('overdue', { dueDate: loan.dueDate });
    }
  }
}
