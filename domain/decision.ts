// A routing decision as the workflow keeps it, the audit trail records it and the workbench explains it.

export type Outcome = 'route' | 'review' | 'escalate' | 'local' | 'reject';

export interface RotaEntry {
  supplierId: string;
  score: number;
  terms: Record<string, number>;
  rules: string[];
  /** When this supplier's try would run out, counted in its working hours. */
  deadline?: TryDeadline;
}

export interface TryDeadline {
  workingHours: number;
  /** How the supplier's hours are counted: `08:30–17:30 Asia/Shanghai, working days of China's public calendar`. */
  clock: string;
  /** The instant, where the time the order is sent is known (the decision's, or the send's). */
  at?: string;
  /** Years beyond the published public calendar, counted Monday to Friday. */
  note?: string;
}

export interface RouteTask {
  type: 'review' | 'approveCost' | 'searchProxy';
  reason: string;
  rule?: string;
}

export interface RouteDecision {
  rulesetVersion: string;
  requestId: string;
  outcome: Outcome;
  rota: RotaEntry[];
  excluded: { supplierId: string; reasons: string[] }[];
  tasks: RouteTask[];
  /** Turnaround deadline in hours for each supplier try, from targets or a `deadline` rule. */
  deadlineHours: number;
  /** Why a rejected request cannot be served, naming each `reject` rule and where it is written. */
  reason?: string;
}
