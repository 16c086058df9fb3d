import { ApplicationFailure } from '@temporalio/activity';
import { PermanentSupplierError } from '../adapters/adapter';
import { createIso18626Lender, type Iso18626Lender } from '../adapters/iso18626/lender';
import type { LendingActivities } from '../workflows/lending/activities';
import type { NetworkHolder } from './network';
import type { RequestStore } from './store/store';

export interface LendingActivityDependencies {
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
  /** How a message reaches a borrower; ISO 18626 over HTTP unless a test gives its own. */
  tellBorrower?: Iso18626Lender;
}

/** Builds the lending workflow's activities around the store and the way to the borrowers. */
export function createLendingActivities({ store, network, tellBorrower = createIso18626Lender() }: LendingActivityDependencies): LendingActivities {
  return {
    async answerBorrower({ lendingId, status, transitions }, message) {
      // The state is written before the message goes: the librarians' list never shows less than the borrower was told.
      await store.recordLending(lendingId, status, transitions);
      if (!message) return;
      if (!(await store.keepBorrowerMessage(message)) && (await store.isToldBorrower(message.key))) return;
      const stored = await store.getLending(lendingId);
      if (!stored) throw ApplicationFailure.nonRetryable(`no lending request ${lendingId}`, 'UnknownLending');
      const { borrower } = stored.lending;
      if (!borrower.address) throw ApplicationFailure.nonRetryable(`${borrower.agencyId} gave no address for answers and is no configured peer`, 'SupplierRefused');
      const peer = network.current().config.suppliers.find((supplier) => supplier.id === borrower.peerId);
      try {
        await tellBorrower(message, stored.lending, { id: borrower.agencyId, endpoint: borrower.address, ...(peer?.auth ? { auth: peer.auth } : {}) });
      } catch (error) {
        if (error instanceof PermanentSupplierError) throw ApplicationFailure.nonRetryable(`${borrower.agencyId}: ${error.message}`, 'SupplierRefused');
        throw error;
      }
      await store.markToldBorrower(message.key);
    },
  };
}
