import Router from '@koa/router';
import type { Service, Urgency } from '../../../domain/request';
import { SERVICES, URGENCIES } from '../../../rules/facts';
import { DEFAULT_FILL_RATE } from '../../../rules/network';
import type { Figures, SupplierStats } from '../../../rules/knowledge';
import type { NetworkConfig, Supplier } from '../../../rules/types';
import type { Caller } from '../../auth/tokens';
import { figuresFrom, readOutcomes, type Outcomes } from '../../knowledge';
import type { NetworkHolder } from '../../network';
import type { RequestStore } from '../../store/store';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';
import { HttpError } from '../http-error';

export interface KnowledgeRoutesDeps {
  store: Pick<RequestStore, 'supplierOutcomes' | 'staffTasks'>;
  network: Pick<NetworkHolder, 'current'>;
  now?: () => Date;
}

/** A turnaround target: the supplier's own promise, else the network's target (`policy.yaml`). */
interface Target {
  hours: number;
  from: 'supplier' | 'network';
}

export interface SupplierKnowledge {
  supplierId: string;
  name: string;
  kind: string;
  /** What the configuration expects of the supplier. */
  configured: {
    /** Its configured fill rate; `assumed` when it gives none and ranking assumes one. */
    fillRate: number;
    fillRateAssumed: boolean;
    turnaroundHours: Partial<Record<Service, Record<Urgency, Target>>>;
  };
  /** What ranking reads of it (`rules/knowledge.ts`); absent until one of its orders has ended. */
  observed?: SupplierStats;
  /** The orders the observed figures rest on: ended, and still with the supplier, of those sent since `since`. */
  orders: { ended: number; open: number; since: string };
}

function configured(config: NetworkConfig, supplier: Supplier): SupplierKnowledge['configured'] {
  const turnaroundHours: SupplierKnowledge['configured']['turnaroundHours'] = {};
  for (const service of SERVICES) {
    if (!supplier.services.includes(service)) continue;
    const targets = {} as Record<Urgency, Target>;
    for (const urgency of URGENCIES) {
      const promised = supplier.turnaroundHours?.[service]?.[urgency];
      targets[urgency] = promised === undefined ? { hours: config.policy.targets[service][urgency], from: 'network' } : { hours: promised, from: 'supplier' };
    }
    turnaroundHours[service] = targets;
  }
  return { fillRate: supplier.fillRate ?? DEFAULT_FILL_RATE, fillRateAssumed: supplier.fillRate === undefined, turnaroundHours };
}

function knowledgeOf(config: NetworkConfig, supplier: Supplier, figures: Figures, outcomes: Outcomes): SupplierKnowledge {
  const mine = outcomes.orders.filter((order) => order.supplierId === supplier.id);
  const ended = mine.filter((order) => order.endedAt !== undefined).length;
  const observed = figures.stats[supplier.id];
  return {
    supplierId: supplier.id,
    name: supplier.name,
    kind: supplier.kind,
    configured: configured(config, supplier),
    ...(observed ? { observed } : {}),
    orders: { ended, open: mine.length - ended, since: outcomes.since.toISOString() },
  };
}

/** Librarians and the centre see every supplier's figures; a supplier sees its own. */
function mayRead(caller: Caller, supplierId: string): boolean {
  return caller.role === 'administrator' || caller.role === 'librarian' || (caller.role === 'supplier' && caller.libraryId === supplierId);
}

/**
 * The dispatch knowledge base per supplier: the configured fill rate and turnaround targets beside
 * what routing has seen the supplier do, read the way routing reads them, though fresh on each call
 * where routing reuses its read for a few minutes.
 */
export function knowledgeRoutes({ store, network, now = () => new Date() }: KnowledgeRoutesDeps): Routes {
  const routes = new Routes(new Router<AuthState>());
  const learnt = async () => {
    const { config } = network.current();
    const today = now();
    const outcomes = await readOutcomes(store, today);
    return { config, outcomes, figures: figuresFrom(config, outcomes, today) };
  };

  routes.add(
    {
      method: 'get',
      path: '/api/suppliers/knowledge',
      summary: 'Read every supplier’s configured targets beside its observed fill rate and turnaround',
      roles: ['administrator', 'librarian'],
      responses: { '200': { description: '`{"suppliers": [...]}`, one entry per configured supplier' } },
    },
    async (ctx) => {
      const { config, outcomes, figures } = await learnt();
      ctx.body = { suppliers: config.suppliers.map((supplier) => knowledgeOf(config, supplier, figures, outcomes)) };
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/suppliers/:id/knowledge',
      summary: 'Read a supplier’s configured targets beside its observed fill rate and turnaround',
      roles: ['administrator', 'librarian', 'supplier'],
      responses: { '200': { description: 'the supplier’s configured targets, observed figures and the orders they rest on' } },
    },
    async (ctx, { params }) => {
      const supplierId = params.id!;
      const { config } = network.current();
      const supplier = config.suppliers.find((s) => s.id === supplierId);
      // Another supplier's figures answer as a supplier that does not exist.
      if (!supplier || !mayRead(ctx.state.caller, supplierId)) throw new HttpError(404, `no supplier ${supplierId}`);
      const { outcomes, figures } = await learnt();
      ctx.body = knowledgeOf(config, supplier, figures, outcomes);
    },
  );
  return routes;
}
