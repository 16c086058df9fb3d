import type { SupplierAdapter } from './adapter';

/**
 * Suppliers whose staff work from the engine's own order queue (send mode `manual`, or no system
 * of their own): the order is already in the outbox the engine keeps, where the supplying
 * librarian sees it and answers through the API, so there is nothing further to transmit.
 */
export function createManualAdapter(): SupplierAdapter {
  return {
    send: async () => undefined,
    notify: async () => undefined,
  };
}
