// What became of a request, told the same way by the network simulation and by the real request
// workflows, so the two can be compared request by request: how it ended, whether search-proxy
// staff had it, the suppliers sent an order in turn, who filled it, what it was charged, and how
// many of the centre's working hours passed from submission to the fill.
import type { RequestState } from '../domain/request-state';
import { workingHoursBetween, type SupplierClock } from '../rules/clock';
import type { RequestRecord } from './metrics';
import type { Plan, Strategy } from './strategies';

export interface Outcome {
  /** `local`: the library's own copy; `refused`: a rule refused it. */
  outcome: RequestRecord['outcome'];
  /** Went to search-proxy staff, by routing or with its rota exhausted. */
  escalated: boolean;
  /** Suppliers sent an order, in turn. */
  tried: string[];
  filledBy?: string;
  /** CNY charged for the fill; 0 for none. */
  charge: number;
  /** Working hours by the centre's clock from submission to the fill. */
  hours?: number;
}

const cents = (amount: number): number => Math.round(amount * 100) / 100;

/** The request as its workflow left it. */
export function workflowOutcome(state: RequestState, centre: SupplierClock): Outcome {
  const filledBy = state.delivery?.supplierId ?? state.loan?.supplierId;
  const escalated = state.history.some((entry) => entry.status === 'with-search-proxy');
  const tried = state.tried.map((t) => t.supplierId);
  // A supplier of the rota that filled had an order too; a free copy found before routing, or staff, did not.
  if (filledBy !== undefined && state.decision?.rota.some((entry) => entry.supplierId === filledBy) && filledBy !== 'search-proxy') tried.push(filledBy);
  const charge = cents(state.charges.reduce((sum, c) => sum + c.amount, 0));
  if (state.decision?.outcome === 'local') return { outcome: 'local', escalated, tried, charge };
  if (state.status === 'rejected') return { outcome: 'refused', escalated, tried, charge };
  if (filledBy === undefined) return { outcome: 'unfilled', escalated, tried, charge };
  const submitted = Date.parse(state.history[0]!.at);
  const filled = Date.parse(state.history.find((entry) => entry.status === 'delivered' || entry.status === 'shipped')!.at);
  return { outcome: 'filled', escalated, tried, filledBy, charge, hours: workingHoursBetween(submitted, filled, centre) };
}

/** The request as the simulation played it, with the plan its strategy made (none for a free copy, a local one or a refusal). */
export function simulatedOutcome(record: RequestRecord, plan: Plan | undefined, centre: SupplierClock): Outcome {
  const tried = plan && !plan.escalate ? plan.rota.slice(0, record.tries) : [];
  const charge = cents(record.price ?? 0);
  const { outcome, escalated } = record;
  if (outcome !== 'filled') return { outcome, escalated, tried, charge };
  return { outcome, escalated, tried, filledBy: record.supplierId, charge, hours: workingHoursBetween(record.submitted, record.delivered!, centre) };
}

/** Where two accounts of a request disagree, turnaround aside. */
export function disagreements(simulation: Outcome, workflow: Outcome): string[] {
  const found: string[] = [];
  const differ = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) found.push(`${what}: simulation ${JSON.stringify(a)}, workflow ${JSON.stringify(b)}`);
  };
  differ('outcome', simulation.outcome, workflow.outcome);
  differ('escalated', simulation.escalated, workflow.escalated);
  differ('tried', simulation.tried, workflow.tried);
  differ('filled by', simulation.filledBy, workflow.filledBy);
  differ('charge', simulation.charge, workflow.charge);
  return found;
}

/**
 * The strategy routing on the configuration alone: no load and no observed figures, whatever the
 * run has seen, as the engine routes with an empty store. Each plan is kept, by request, for the
 * suppliers it tried.
 */
export function withoutFeedback(strategy: Strategy, plans: Map<string, Plan>): Strategy {
  return {
    name: strategy.name,
    plan(shared, now) {
      const plan = strategy.plan(shared, now, {});
      plans.set(shared.arrival.request.id, plan);
      return plan;
    },
    ended: () => undefined,
  };
}
