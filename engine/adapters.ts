import type { Logger } from 'pino';
import type { SupplierAdapter, SupplierReply } from '../adapters/adapter';
import { createCalisEbooksAdapter } from '../adapters/calis-ebooks';
import { createManualAdapter } from '../adapters/manual';
import { createOpenAccessAdapter } from '../adapters/open-access';
import { createVendorPpvAdapter } from '../adapters/vendor-ppv';
import type { AdapterName } from '../rules/types';
import type { NetworkHolder } from './network';
import type { Settings } from './settings';

export interface AdapterContext {
  /** Where suppliers' answers go: the request's workflow. */
  reply: SupplierReply;
  network: Pick<NetworkHolder, 'current'>;
  settings: Pick<Settings, 'contactEmail'>;
  log?: Logger;
}

/**
 * The adapter for each kind a supplier's configuration may name, built around what it needs; tests
 * put their own in place of any. ISO 18626 peers are served from the outbox like manual suppliers
 * until their module is wired, so their orders wait for staff rather than being lost.
 */
export function supplierAdapters(context: AdapterContext, overrides: Partial<Record<AdapterName, SupplierAdapter>> = {}): (name: AdapterName) => SupplierAdapter {
  const { reply, network, settings } = context;
  const manual = overrides.manual ?? createManualAdapter();
  const fixed: Partial<Record<AdapterName, SupplierAdapter>> = {
    manual,
    'vendor-ppv': createVendorPpvAdapter({ reply }),
    'open-access': createOpenAccessAdapter({ reply, email: settings.contactEmail }),
    ...overrides,
  };
  // The download a CALIS e-book grant gives lasts as long as the policy in force says.
  const ebooks = () => overrides['calis-ebooks'] ?? createCalisEbooksAdapter({ reply, validDays: network.current().config.policy.delivery.ebookValidDays });
  if (network.current().config.suppliers.some((supplier) => supplier.adapter === 'iso18626' && !overrides.iso18626)) {
    context.log?.warn('ISO 18626 peers are served from the outbox for now; their orders wait for staff');
  }
  return (name) => (name === 'calis-ebooks' ? ebooks() : (fixed[name] ?? manual));
}
