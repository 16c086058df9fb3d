import { ApplicationFailure } from '@temporalio/activity';
import type { SupplierAdapter } from '../adapters/adapter';
import { estimatedCost } from '../rules/rank';
import { route } from '../rules/route';
import type { IllRequest, Money, NetworkConfig } from '../rules/types';
import type { LifecycleActivities } from '../workflows/activities';
import type { NetworkHolder } from './network';
import type { OutboxEntry, RequestStore } from './store/store';

export interface ActivityDependencies {
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
  /** The adapter serving a supplier, by the `adapter` its configuration names. */
  adapterFor: (adapter: string) => SupplierAdapter;
  now?: () => Date;
}

const DAY = 86_400_000;
/** Observed figures replace a supplier's configured promises once it has this many recent orders. */
const STATS_WINDOW_DAYS = 90;
const STATS_MINIMUM_ORDERS = 20;

/** Holders from the union catalogue, looked up by every identifier the citation carries. */
export function lookupHoldings(config: NetworkConfig, request: IllRequest): string[] {
  if (request.holdings) return request.holdings;
  const { issn, isbn, doi } = request.citation;
  const holders = [issn, isbn, doi].flatMap((id) => (id ? (config.holdings[id] ?? []) : []));
  return [...new Set(holders)].sort();
}

/** Builds the request workflow's activities around the dependencies they read and write. */
export function createActivities({ store, network, adapterFor, now = () => new Date() }: ActivityDependencies): LifecycleActivities {
  const supplierAdapter = (supplierId: string) => {
    const supplier = network.current().config.suppliers.find((s) => s.id === supplierId);
    if (!supplier) throw ApplicationFailure.nonRetryable(`supplier '${supplierId}' is not in the configuration`, 'UnknownSupplier');
    return adapterFor(supplier.adapter);
  };

  /** Hands an outbox entry to the adapter unless an earlier attempt already did. */
  const deliver = async (entry: OutboxEntry, hand: (adapter: SupplierAdapter) => Promise<void>) => {
    await store.enqueueForSupplier(entry);
    if (await store.isSent(entry.key)) return;
    await hand(supplierAdapter(entry.supplierId));
    await store.markSent(entry.key);
  };

  return {
    async recordTransition(record) {
      await store.appendEvent(record);
    },

    async checkAvailability(request) {
      return { holdings: lookupHoldings(network.current().config, request) };
    },

    async routeRequest({ request, holdings }) {
      const { config, compiled } = network.current();
      const today = now();
      const library = config.libraries.find((l) => l.id === request.requester.libraryId);
      if (!library) throw ApplicationFailure.nonRetryable(`library '${request.requester.libraryId}' is not a member`, 'UnknownLibrary');
      const startOfDay = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
      const decision = route(compiled, {
        request,
        holdings,
        usage: {
          titleCopiesThisYear: await store.countTitleCopies(library.id, request.citation, today.getUTCFullYear()),
        },
        load: await store.ordersSince(startOfDay),
        stats: await store.supplierStats(new Date(today.getTime() - STATS_WINDOW_DAYS * DAY), STATS_MINIMUM_ORDERS),
        now: today.toISOString(),
      });
      const estimatedCosts: Record<string, Money> = {};
      for (const entry of decision.rota) {
        const supplier = config.suppliers.find((s) => s.id === entry.supplierId)!;
        estimatedCosts[supplier.id] = { amount: estimatedCost(supplier, request), currency: supplier.cost.currency };
      }
      return { decision, autoApproveLimit: library.policy.autoApproveLimit, estimatedCosts };
    },

    async sendToSupplier(order) {
      await deliver({ key: order.key, requestId: order.requestId, supplierId: order.supplierId, action: 'send', detail: { request: order.request } }, (adapter) =>
        adapter.send(order),
      );
    },

    async notifySupplier(notice) {
      await deliver({ ...notice }, (adapter) => adapter.notify(notice));
    },

    async postCharge(charge) {
      await store.postCharge(charge);
    },

    async notifyReader(notice) {
      await store.addReaderNotice(notice);
    },
  };
}
