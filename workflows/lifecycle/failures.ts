// A call to a supplier that failed for good, as the request records it.
import { ApplicationFailure, log, type ActivityFailure } from '@temporalio/workflow';
import { sendFailureOf, type SendFailure } from '../../domain/send-failures';

/**
 * The class the audit trail records of a failed call to a supplier. The adapter's own words name the
 * supplier's systems and credentials, which readers of the request must not see: they go to the log.
 */
export function failureClass(error: ActivityFailure, supplierId: string, call: string): SendFailure {
  const said = error.cause?.message ?? error.message;
  log.warn(`${call} to a supplier failed`, { supplierId, error: said });
  // The activity marks a failure the adapter judged permanent, whatever words it came with.
  return sendFailureOf(said, error.cause instanceof ApplicationFailure && error.cause.type === 'SupplierRefused');
}
