// A routing decision as the workflow keeps it, the audit trail records it and the workbench explains it.

/**
 * `open-access`: a free copy was found before routing, and no supplier is asked. `local`: the
 * requesting library holds or licenses the item itself.
 */
export type Outcome = 'route' | 'review' | 'escalate' | 'local' | 'open-access' | 'reject';

/** Where a reader finds what their own library already has. */
export interface LocalCopy {
  libraryId: string;
  /** Its own holding, with the record and the shelf where known... */
  holding?: { recordId?: string; callNumber?: string };
  /** ...or a resource it licenses. */
  licence?: { name: string; url?: string };
  /** Both in a sentence, for the reader and the audit trail. */
  where: string;
}

/** A free copy found before routing. */
export interface OpenCopy {
  supplierId: string;
  url: string;
  license?: string;
}

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
   * Subjects the request wrote that the network's subject mapping turns into no subject of its
   * vocabulary, so no rule saw them; absent when every subject was understood.
   */
  unmappedSubjects?: string[];
  /**
   * Why a rejected request cannot be served, naming each `reject` rule and where it is written; for
   * a `local` outcome, which library holds or licenses the item.
   */
  reason?: string;
  /** With outcome `local`: where the library's own copy is. */
  local?: LocalCopy;
  /** With outcome `open-access`: the free copy delivered at once. */
  openCopy?: OpenCopy;
}
