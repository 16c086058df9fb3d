// A routing decision as the workflow keeps it, the audit trail records it and the workbench explains it.

export type Outcome = 'route' | 'review' | 'escalate' | 'local' | 'reject';

export interface RotaEntry {
  supplierId: string;
  score: number;
  terms: Record<string, number>;
  rules: string[];
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
  /**
   * Every supplier considered but not in the rota, sorted by id, with why: rules, the engine's own
   * `builtin:` effects, the rota's cut. Service libraries that do not hold the item are never
   * considered, so never listed.
   */
  excluded: { supplierId: string; reasons: string[] }[];
  tasks: RouteTask[];
  /** Turnaround deadline in hours for each supplier try, from targets or a `deadline` rule. */
  deadlineHours: number;
  /**
   * Why a rejected request cannot be served, naming each `reject` rule and where it is written; for
   * a `local` outcome, which library holds the item.
   */
  reason?: string;
}
