// The centre's staff closing a request by hand, whatever open status it is in: the supplier that has
// it is told (asked to cancel what it has not yet sent, else sent a note), a charge not yet settled
// (posted in a month whose statements are still open) is reversed, and the reader hears it ended.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import { CANCELLABLE_STATUSES, currentSupplier } from '../../domain/request-state';
import type { LifecycleActivities } from '../activities';
import { failureClass } from './failures';
import type { RequestRun } from './run';

// A request is often closed because its supplier went silent: telling it is tried a few times, and a
// supplier that cannot be reached does not keep the request open (the notice stays in its outbox).
const told = proxyActivities<Pick<LifecycleActivities, 'notifySupplier'>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

export async function closed(run: RequestRun): Promise<'end'> {
  run.closing = true;
  try {
    return await carryOut(run);
  } finally {
    run.closing = false;
  }
}

async function carryOut(run: RequestRun): Promise<'end'> {
  const close = run.pendingClose!;
  const by = close.actor.subject;
  const note = `closed by the centre: ${close.reason}`;
  const supplierId = currentSupplier(run.state);
  if (supplierId) {
    try {
      // Only what the supplier has not yet sent can be cancelled: of a copy delivered or a loan sent, it is told by a note.
      if (CANCELLABLE_STATUSES.includes(run.state.status)) await run.notifySupplier(supplierId, 'cancel', { reason: note, closed: true }, told);
      else await run.notifySupplier(supplierId, 'note', { note, closed: true }, told);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const reason = failureClass(error, supplierId, 'the notice of the close');
      await run.record(run.state.status, { event: 'close-not-told', by, supplierId, reason, note: `could not tell ${supplierId} of the close: ${reason}` });
    }
  }
  if (run.state.charges.length > 0) {
    // What a month whose statements the centre closed holds is settled: staff settle it by other means.
    const { reversed, settled } = await run.reverseCharges();
    await run.record(run.state.status, { event: 'charges-reversed', by, reversed, settled, note: `charges reversed in the ledger: ${reversed} postings${settled > 0 ? `; ${settled} already settled in closed months, left as they are` : ''}` });
  }
  return run.finish('cancelled', { event: 'closed', by, text: close.reason, note, ...(supplierId ? { supplierId } : {}) });
}
