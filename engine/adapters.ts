import type { SupplierAdapter, SupplierReply } from '../adapters/adapter';
import { createCalisEbooksAdapter } from '../adapters/calis-ebooks';
import { createIso18626Adapter } from '../adapters/iso18626/peer';
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
  settings: Pick<Settings, 'contactEmail' | 'agencyId'>;
}

/** The adapter for each kind a supplier's configuration may name, built around what it needs; tests put their own in place of any. */
export function supplierAdapters({ reply, network, settings }: AdapterContext, overrides: Partial<Record<AdapterName, SupplierAdapter>> = {}): (name: AdapterName) => SupplierAdapter {
  const adapters: Record<Exclude<AdapterName, 'calis-ebooks'>, SupplierAdapter> = {
    manual: createManualAdapter(),
    iso18626: createIso18626Adapter({ agencyId: settings.agencyId }),
    'vendor-ppv': createVendorPpvAdapter({ reply }),
    'open-access': createOpenAccessAdapter({ reply, email: settings.contactEmail }),
    ...overrides,
  };
  // The download a CALIS e-book grant gives lasts as long as the policy in force says.
  const ebooks = () => overrides['calis-ebooks'] ?? createCalisEbooksAdapter({ reply, validDays: network.current().config.policy.delivery.ebookValidDays });
  return (name) => (name === 'calis-ebooks' ? ebooks() : adapters[name]);
}
