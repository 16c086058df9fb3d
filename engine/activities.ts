import { ApplicationFailure, log } from '@temporalio/activity';
import { PermanentSupplierError, type SupplierAdapter } from '../adapters/adapter';
import { tryDeadline } from '../rules/clock';
import { estimatedCost, inForce } from '../rules/rank';
import { localCopy } from '../rules/local';
import { holdingOf } from '../domain/holdings';
import type { NoOpenCopy, OpenCopy, RouteDecision } from '../domain/decision';
import { route } from '../rules/route';
import type { OutboxEntry, RequestingLibrary } from '../domain/orders';
import type { IllRequest, Money } from '../domain/request';
import type { TransitionRecord } from '../domain/transitions';
import type { HoldingsLookup } from '../domain/holdings';
import { configHoldings } from '../rules/holdings';
import type { LifecycleActivities, SendClock } from '../workflows/activities';
import type { AdapterName, NetworkConfig, Supplier } from '../rules/types';
import type { NetworkHolder } from './network';
import type { ServiceMetrics } from './metrics';
import type { RequestStore } from './store/store';
import type { Figures } from '../rules/knowledge';
import { figuresFrom, readOutcomes } from './knowledge';
import { deliveredAtOnce } from '../rules/eta';
import { postingsOf, type Charge } from '../domain/ledger';

export interface ActivityDependencies {
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
  /** The adapter serving a supplier, by the `adapter` its configuration names. */
  adapterFor: (adapter: AdapterName) => SupplierAdapter;
  /** Who holds an item; the holdings data of the configuration in force unless a union catalogue is given. */
  holdings?: HoldingsLookup;
  now?: () => Date;
  /** Counts each routing decision by its outcome. */
  metrics?: Pick<ServiceMetrics, 'routed'>;
}

/**
 * How long routing reuses what it read of the whole network: observed statistics change little over
 * minutes (and cost a read of 90 days of orders), today's load per supplier little over seconds.
 */
const STATS_FRESH_MS = 5 * 60_000;
const LOAD_FRESH_MS = 10_000;

/** Reuses what `read` last gave for a key until it is older than `freshMs` or another key is asked for. */
function reusedFor<V>(freshMs: number, now: () => Date): (key: string, read: () => Promise<V>) => Promise<V> {
  let last: { key: string; at: number; value: Promise<V> } | undefined;
  return (key, read) => {
    const at = now().getTime();
    if (!last || last.key !== key || at - last.at > freshMs) {
      const kept = { key, at, value: read() };
      last = kept;
      // A failed read is not kept: the next request reads again.
      kept.value.catch(() => last === kept && (last = undefined));
    }
    return last.value;
  };
}

/**
 * The workflow learns a try's deadline in working hours only from the send; the request index is
 * given it with the send's entries, in the same write, rather than one write later.
 */
function withDeadline(transitions: TransitionRecord[] = [], supplierId: string, at: string | undefined): TransitionRecord[] {
  const last = transitions[transitions.length - 1];
  if (!at || last?.standing?.supplier?.id !== supplierId) return transitions;
  return [...transitions.slice(0, -1), { ...last, standing: { ...last.standing, supplier: { ...last.standing.supplier, deadline: at } } }];
}

/** Builds the request workflow's activities around the dependencies they read and write. */
export function createActivities({ store, network, adapterFor, holdings = configHoldings(() => network.current().config), now = () => new Date(), metrics }: ActivityDependencies): LifecycleActivities {
  // Entries travel with the activity they accompany and are written before it acts: a retry finds
  // them written already, and the audit trail never shows an effect without its cause.
  const write = async (transitions: TransitionRecord[] = []) => {
    await store.appendEvents(transitions);
  };

  /** Hands an outbox entry to its supplier's adapter unless an earlier attempt already did. */
  const deliver = async (entry: OutboxEntry, transitions: TransitionRecord[] = [], hand: (adapter: SupplierAdapter, supplier: Supplier) => Promise<void>) => {
    const supplier = network.current().config.suppliers.find((s) => s.id === entry.supplierId);
    if (!supplier) {
      await write(transitions);
      throw ApplicationFailure.nonRetryable(`supplier '${entry.supplierId}' is not in the configuration`, 'UnknownSupplier');
    }
    // A new entry was never sent; only a retry has to ask.
    const enqueued = await store.enqueueForSupplier(entry, transitions);
    if (!enqueued && (await store.isSent(entry.key))) return;
    try {
      await hand(adapterFor(supplier.adapter), supplier);
    } catch (error) {
      if (error instanceof PermanentSupplierError) throw ApplicationFailure.nonRetryable(`${supplier.id}: ${error.message}`, 'SupplierRefused');
      throw error;
    }
    await store.markSent(entry.key);
  };

  /**
   * When a try runs out by the supplier's calendar in force when the order goes out, which a review
   * or an approval may have followed. A clock that cannot count must not make the send look failed,
   * so the try then keeps wall-clock hours.
   */
  const countedDeadline = (supplierId: string, clock: SendClock) => {
    try {
      return tryDeadline(network.current().config, supplierId, clock.workingHours, clock.sentAt);
    } catch (error) {
      log.warn('deadline not counted in working hours', { supplierId, error: (error as Error).message });
      return undefined;
    }
  };

  /** Who asks and where the item goes, from the configuration in force when the supplier is asked. */
  const requestingLibrary = (libraryId: string): RequestingLibrary | undefined => {
    const library = network.current().config.libraries.find((l) => l.id === libraryId);
    return library && { id: library.id, name: library.name, ...(library.delivery ? { delivery: library.delivery } : {}) };
  };

  /**
   * Open access first: a copy request with a DOI is looked up with each open-access resolver before
   * routing, and a free copy ends the search. A resolver that found nothing is not tried again in
   * the rota; one that could not answer now is left in it, to be tried like any supplier.
   */
  const openAccessFirst = async (request: IllRequest, config: NetworkConfig, today: string): Promise<{ copy?: OpenCopy; unavailable: Record<string, NoOpenCopy> }> => {
    const unavailable: Record<string, NoOpenCopy> = {};
    const { doi } = request.citation;
    if (request.service !== 'copy' || !doi) return { unavailable };
    for (const supplier of config.suppliers) {
      if (supplier.kind !== 'open-access' || !supplier.services.includes('copy') || inForce(supplier.status, today)) continue;
      const adapter = adapterFor(supplier.adapter);
      if (!adapter.findCopy) continue;
      const copy = await adapter.findCopy(request, supplier).catch(() => 'unanswered' as const);
      if (copy === 'unanswered') continue;
      if (copy) return { copy: { supplierId: supplier.id, ...copy }, unavailable };
      unavailable[supplier.id] = { code: 'no-open-copy', doi };
    }
    return { unavailable };
  };

  const load = reusedFor<Record<string, number>>(LOAD_FRESH_MS, now);
  const stats = reusedFor<Figures>(STATS_FRESH_MS, now);
  const learnt = async (config: NetworkConfig, today: Date) => figuresFrom(config, await readOutcomes(store, today), today);

  /** A charge's ledger postings, by the settlement terms and the supplier's kind in force when it is posted. */
  const postingsFor = (charge: Charge) => {
    const { config } = network.current();
    const kind = config.suppliers.find((s) => s.id === charge.supplierId)?.kind;
    return postingsOf(charge, kind, config.policy.settlement, now().toISOString());
  };

  return {
    recordTransitions: write,

    async recordTransition(record) {
      await store.appendEvents([record]);
    },

    async checkAvailability(request, transitions) {
      await write(transitions);
      return { holdings: await holdings.holders(request) };
    },

    async routeRequest({ request, holdings: given }, transitions) {
      await write(transitions);
      const found = given ? undefined : await holdings.holders(request);
      const { config, compiled } = network.current();
      const today = now();
      const library = config.libraries.find((l) => l.id === request.requester.libraryId);
      if (!library) throw ApplicationFailure.nonRetryable(`library '${request.requester.libraryId}' is not a member`, 'UnknownLibrary');
      const holders = given ?? found!;
      const base = { autoApproveLimit: library.policy.autoApproveLimit, ...(found ? { holdings: found } : {}) };
      // The library's own copy comes before a free one: it is the reader's at once, with no link to expire.
      const open = localCopy(library, request, holders.map(holdingOf), config.licences) ? { unavailable: {} } : await openAccessFirst(request, config, today.toISOString());
      if (open.copy) {
        const decision: RouteDecision = {
          rulesetVersion: config.version,
          requestId: request.id,
          outcome: 'open-access',
          rota: [],
          excluded: [],
          tasks: [],
          deadlineHours: config.policy.targets[request.service][request.urgency],
          openCopy: open.copy,
          eta: deliveredAtOnce(config, 'open-access', today.toISOString()),
        };
        metrics?.routed(decision.outcome);
        return { decision, estimatedCosts: {}, ...base };
      }
      const startOfDay = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
      const seen = await stats(config.version, () => learnt(config, today));
      const decision = route(compiled, {
        request,
        holdings: holders,
        usage: {
          titleCopiesThisYear: await store.countTitleCopies(library.id, request.citation, today.getUTCFullYear()),
        },
        load: await load(startOfDay.toISOString(), () => store.ordersSince(startOfDay)),
        ...seen,
        now: today.toISOString(),
        unavailable: open.unavailable,
      });
      const estimatedCosts: Record<string, Money> = {};
      for (const entry of decision.rota) {
        const supplier = config.suppliers.find((s) => s.id === entry.supplierId)!;
        estimatedCosts[supplier.id] = { amount: estimatedCost(supplier, request), currency: supplier.cost.currency };
      }
      metrics?.routed(decision.outcome);
      return { decision, estimatedCosts, ...base };
    },

    async sendToSupplier(given, transitions, clock) {
      const order = { ...given, requestingLibrary: requestingLibrary(given.request.requester.libraryId) };
      const detail = { request: order.request, ...(order.holding ? { holding: order.holding } : {}), ...(order.requestingLibrary ? { requestingLibrary: order.requestingLibrary } : {}) };
      const deadline = clock && countedDeadline(order.supplierId, clock);
      await deliver({ key: order.key, requestId: order.requestId, supplierId: order.supplierId, action: 'send', detail }, withDeadline(transitions, order.supplierId, deadline?.at), (adapter, supplier) =>
        adapter.send(order, supplier),
      );
      return deadline && { deadline };
    },

    async notifySupplier(given, transitions) {
      // A notice that asks the supplier again carries the request, and with it who asks and where the item goes.
      const asked = given.detail.request as IllRequest | undefined;
      const notice = asked ? { ...given, requestingLibrary: requestingLibrary(asked.requester.libraryId) } : given;
      await deliver({ ...given }, transitions, (adapter, supplier) => adapter.notify(notice, supplier));
    },

    async postCharge(charge) {
      await store.postCharge(charge, postingsFor(charge));
    },

    async notifyReader(notice, transitions) {
      await write(transitions);
      await store.addReaderNotice(notice);
    },

    async recordFill(fill, transitions) {
      await store.recordFill(fill.charge ? { ...fill, postings: postingsFor(fill.charge) } : fill, transitions);
    },

    async reversePostings(requestId, transitions) {
      await write(transitions);
      return store.reverseRequestPostings(requestId, now().toISOString());
    },
  };
}
