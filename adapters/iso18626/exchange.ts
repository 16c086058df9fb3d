// One ISO 18626 exchange over HTTP: a message posted, and the confirmation the standard has the
// receiver answer with at once. Both sides of the network speak it: to suppliers as a requester,
// to borrowers as a lender.
import { PermanentSupplierError } from '../adapter';
import { callSupplier, type HttpOptions, type Target } from '../http';
import { parseMessage, type MessageKind } from './messages';

/**
 * Posts `xml` and reads the confirmation. An ERROR confirmation is a refusal the receiver would
 * repeat (a PermanentSupplierError); a garbled answer may be a proxy's page or a system mid-restart,
 * so it is thrown to be retried.
 */
export async function exchange(target: Target & { id: string }, xml: string, key: string, expected: MessageKind, http: HttpOptions): Promise<void> {
  const { body } = await callSupplier(target, { method: 'POST', path: '', xml, idempotencyKey: key }, http);
  const parsed = await parseMessage(String(body ?? ''));
  if (!parsed.ok) throw new Error(`${target.id} answered with a message that is not valid ISO 18626 (${parsed.errorType}: ${parsed.errorValue})`);
  if (parsed.message.kind !== expected) throw new Error(`${target.id} answered with a ${parsed.message.kind}, not a ${expected}`);
  const { confirmationHeader, errorData } = parsed.message as { confirmationHeader: { messageStatus: string }; errorData?: { errorType: string; errorValue?: string } };
  if (confirmationHeader.messageStatus === 'ERROR') {
    throw new PermanentSupplierError(`refused: ${errorData?.errorType ?? 'ERROR'}${errorData?.errorValue ? `: ${errorData.errorValue}` : ''}`);
  }
}
