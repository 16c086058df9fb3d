import type { Supplier } from '../rules/types';

/** A supplier's configuration entry for an adapter's tests: what the test names, and quiet defaults for the rest. */
export function supplierEntry(fields: Pick<Supplier, 'id' | 'kind' | 'adapter'> & Partial<Supplier>): Supplier {
  return {
    name: fields.id,
    services: ['copy'],
    formats: ['pdf'],
    coverage: {},
    cost: { currency: 'CNY' },
    capacityPerDay: 100_000,
    sendMode: 'auto',
    status: { state: 'active' },
    source: { file: `${fields.id}.yaml`, line: 1 },
    ...fields,
  };
}
