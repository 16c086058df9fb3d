import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestStore } from './store/store';

/** What waits in the network, read when Prometheus scrapes. */
export interface Backlog {
  /** Requests at each status. */
  requestsByStatus(): Promise<Record<string, number>>;
  /** Staff tasks open, by kind (review, approveCost, loanCondition, searchProxy, receive, renewAnswer). */
  tasksByKind(): Promise<Record<string, number>>;
}

/**
 * The backlog as the request index keeps it: each request at its status, and the staff tasks standing
 * on it. One read serves both, whichever of them Prometheus asks for first.
 */
export function backlogFromIndex(store: Pick<RequestStore, 'openWork'>): Backlog {
  let reading: ReturnType<RequestStore['openWork']> | undefined;
  const read = () => (reading ??= store.openWork().finally(() => (reading = undefined)));
  return {
    requestsByStatus: async () => (await read()).requests,
    tasksByKind: async () => (await read()).tasks,
  };
}

const HOUR = 3600;

/**
 * The service's Prometheus metrics, on a registry of its own so that two services in one process (or
 * one test after another) keep theirs apart.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({ name: 'ill_http_requests_total', help: 'HTTP requests answered, by route pattern and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly httpSeconds = new Histogram({
    name: 'ill_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [this.registry],
  });
  private readonly routingDecisions = new Counter({ name: 'ill_routing_decisions_total', help: 'Requests routed, by the decision’s outcome (route, review, escalate, open-access, …)', labelNames: ['outcome'], registers: [this.registry] });
  private readonly supplierAnswerSeconds = new Histogram({
    name: 'ill_supplier_answer_seconds',
    help: "Time from an order's sending to each answer of its supplier taken, by supplier and ISO 18626 status",
    labelNames: ['supplier', 'status'],
    buckets: [60, 600, HOUR, 4 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 96 * HOUR, 168 * HOUR, 336 * HOUR],
    registers: [this.registry],
  });

  constructor(backlog: Backlog) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ill_' });
    const fromBacklog = (name: string, help: string, label: string, read: () => Promise<Record<string, number>>) =>
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers: [this.registry],
        async collect() {
          const counts = await read();
          this.reset();
          for (const [value, count] of Object.entries(counts)) this.set({ [label]: value }, count);
        },
      });
    fromBacklog('ill_requests', 'Requests at each status', 'status', () => backlog.requestsByStatus());
    fromBacklog('ill_open_tasks', 'Staff tasks open, by kind', 'kind', () => backlog.tasksByKind());
  }

  /** `route` is the router's pattern (`/api/requests/:id`), never the URL, so ids do not make new series. */
  answered(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpSeconds.observe(labels, seconds);
  }

  routed(outcome: string): void {
    this.routingDecisions.inc({ outcome });
  }

  supplierAnswered(supplierId: string, status: string, seconds: number): void {
    this.supplierAnswerSeconds.observe({ supplier: supplierId, status }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
