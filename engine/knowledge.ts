// The dispatch knowledge base as the engine reads it from its store: what routing ranks by and what
// the suppliers' knowledge routes show, worked out one way for both.
import { figuresFor, HALF_LIFE_ORDERS, learnFrom, priorsOf, type Figures } from '../rules/knowledge';
import type { NetworkConfig } from '../rules/types';
import type { OrderOutcome, RequestStore, TaskOutcome } from './store/store';

const DAY = 86_400_000;
/** The dispatch knowledge base learns from the orders sent in this many days... */
const STATS_WINDOW_DAYS = 90;
/** ...the latest sent to each supplier: older ones would weigh less than a millionth of the latest (twenty half-lives). */
const LATEST_OUTCOMES = 20 * HALF_LIFE_ORDERS;
/** Staff tasks of each kind the prediction learns from, the latest opened in the same window: enough for a busy library's own figures. */
const LATEST_TASKS = 2_000;

/** The orders and staff tasks the knowledge base learns from at `now`, and the start of the window they were read from. */
export interface Outcomes {
  since: Date;
  orders: OrderOutcome[];
  tasks: TaskOutcome[];
}

export async function readOutcomes(store: Pick<RequestStore, 'supplierOutcomes' | 'staffTasks'>, now: Date): Promise<Outcomes> {
  const since = new Date(now.getTime() - STATS_WINDOW_DAYS * DAY);
  const [orders, tasks] = await Promise.all([store.supplierOutcomes(since, LATEST_OUTCOMES), store.staffTasks(since, LATEST_TASKS)]);
  return { since, orders, tasks };
}

/**
 * What the suppliers and staff were seen to do, each order counted by its supplier's clock in the
 * configuration in force, its fill rate drawn toward the configured one; each staff task by the network's.
 * Orders and tasks still open count as taking at least as long as they have so far.
 */
export function figuresFrom(config: NetworkConfig, { orders, tasks }: Outcomes, now: Date): Figures {
  return figuresFor(learnFrom(config, orders, tasks, now.toISOString()), priorsOf(config));
}
