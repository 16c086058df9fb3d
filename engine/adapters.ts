import type { Logger } from 'pino';
import type { SupplierAdapter } from '../adapters/adapter';
import { createManualAdapter } from '../adapters/manual';

/**
 * Picks the adapter for a supplier's configured `adapter` name. Kinds without a module of their
 * own yet are served from the outbox like manual suppliers, so their orders wait for staff rather
 * than being lost; start-up names them.
 */
export function adapterRegistry(adapters: Record<string, SupplierAdapter>, configured: string[], log?: Logger): (name: string) => SupplierAdapter {
  const manual = adapters.manual ?? createManualAdapter();
  const missing = [...new Set(configured.filter((name) => !(name in adapters) && name !== 'manual'))].sort();
  if (missing.length > 0) log?.warn({ adapters: missing }, 'no adapter module for these yet; their orders wait in the outbox for staff');
  return (name) => adapters[name] ?? manual;
}
