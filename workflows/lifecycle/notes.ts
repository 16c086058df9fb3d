// Notes between the requesting library and the supplier that has its request, which change nothing
// else: a supplier's note (an ISO 18626 Notification) goes into the request's history, and a
// librarian's note goes to the supplier (a requestingAgencyMessage with action Notification).
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { currentSupplier, type RequestState } from '../../domain/request-state';
import type { SupplierMessage } from '../../domain/supplier-messages';
import type { SupplierMessageReceipt, SupplierNoteInput } from '../definitions';
import { failureClass } from './failures';
import type { RequestRun } from './run';

/** Requests started before this marker acted on a supplier's note as on any message of its status. */
const SUPPLIER_NOTES = 'supplier-notes-recorded';

/** Whether an accepted supplier message is a note, to be recorded rather than acted on. */
export const isNote = (run: RequestRun, message: SupplierMessage): boolean => message.notification === true && run.since(SUPPLIER_NOTES);

/** Records a supplier's note in the request's history, and the audit trail at once, whatever the request is waiting for. */
export async function recordSupplierNote(run: RequestRun, message: SupplierMessage): Promise<SupplierMessageReceipt> {
  const text = message.reason ?? `no text; its status is ${message.status}`;
  await run.record(run.state.status, { event: 'note-from-supplier', supplierId: message.supplierId, ...(message.reason ? { text: message.reason } : { supplierStatus: message.status }), note: `note from ${message.supplierId}: ${text}` });
  await run.flush();
  return { outcome: 'accepted', status: run.state.status };
}

/** Sends a librarian's note to the supplier that has the request; one refused for good fails the update with the supplier's reason. */
export async function sendSupplierNote(run: RequestRun, input: SupplierNoteInput): Promise<RequestState> {
  const supplierId = currentSupplier(run.state)!;
  run.sendingNote = true;
  try {
    await run.record(run.state.status, { event: 'note-to-supplier', by: input.actor.subject, supplierId, text: input.note, note: `note to ${supplierId}: ${input.note}` });
    await run.notifySupplier(supplierId, 'note', { note: input.note, by: input.actor.subject });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const reason = failureClass(error, supplierId, 'a note');
    await run.record(run.state.status, { event: 'note-not-sent', supplierId, reason, note: `the note could not be sent: ${reason}` });
    await run.flush();
    throw ApplicationFailure.nonRetryable(`${supplierId} did not take the note: ${reason}`, 'NoteNotSent');
  } finally {
    run.sendingNote = false;
  }
  return run.state;
}
