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
  excluded: { supplierId: string; reasons: string[] }[];
  tasks: RouteTask[];
  /** Turnaround deadline in hours for each supplier try, from targets or a `deadline` rule. */
  deadlineHours: number;
  /**
   * Subjects the request wrote that the network's subject mapping turns into no subject of its
   * vocabulary, so no rule saw them; absent when every subject was understood.
   */
  unmappedSubjects?: string[];
  /** Why a rejected request cannot be served, naming each `reject` rule and where it is written. */
  reason?: string;
}
