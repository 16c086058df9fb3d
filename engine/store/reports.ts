// The centre's and libraries' reports, computed in SQL from what the store keeps (requests as
// submitted and their audit trail), so a year of a network's requests is read where it lies.
import type { Knex } from 'knex';

/** The network's months and days are Beijing time's, whatever the server's zone. */
export const NETWORK_ZONE = 'Asia/Shanghai';

export interface ReportScope {
  /** Requests submitted at or after this instant... */
  from?: string;
  /** ...and before this one. */
  to?: string;
  /** Only this requesting library's requests. */
  libraryId?: string;
}

/** What turnaround and volumes may be broken down by: each a column of the facts below. */
export const DIMENSIONS = ['supplier', 'service', 'urgency', 'month', 'library'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const COLUMN: Record<Dimension, string> = {
  supplier: 'filled_by',
  service: 'service',
  urgency: 'urgency',
  month: 'month',
  library: 'library_id',
};

/**
 * One row per request in scope: where it was filled and when, and how it ended. A request is
 * filled when a copy was delivered or a loan shipped (its first such entry); it is unfilled,
 * cancelled or rejected by its last entry; otherwise it is still open, or was served locally.
 */
const FACTS = `
select r.id, r.library_id, r.service, r.urgency,
  to_char(r.created_at at time zone '${NETWORK_ZONE}', 'YYYY-MM') as month,
  f.supplier_id as filled_by,
  extract(epoch from (f.at - r.created_at)) / 3600.0 as hours,
  last.status as last_status, last.note as last_note
from requests r
left join lateral (
  select e.at, e.detail->>'supplierId' as supplier_id from request_events e
  where e.request_id = r.id and e.status in ('delivered', 'shipped')
  order by e.seq limit 1
) f on true
left join lateral (
  select e.status, e.detail->>'note' as note from request_events e
  where e.request_id = r.id order by e.seq desc limit 1
) last on true
where true`;

/** The facts of the requests in scope, and the values its conditions take; only the conditions a scope sets are written, so the planner sees plain ranges it can find by index. */
function scoped(scope: ReportScope): { facts: string; bindings: string[] } {
  const conditions: [string, string | undefined][] = [
    ['r.created_at >= ?', scope.from],
    ['r.created_at < ?', scope.to],
    ['r.library_id = ?', scope.libraryId],
  ];
  const set = conditions.filter((condition): condition is [string, string] => condition[1] !== undefined);
  return { facts: `with facts as (${FACTS}${set.map(([sql]) => ` and ${sql}`).join('')})`, bindings: set.map(([, value]) => value) };
}

export interface FillRateRow {
  requests: number;
  filled: number;
  unfilled: number;
  cancelled: number;
  rejected: number;
  open: number;
  /** Filled over filled and unfilled: requests withdrawn, refused or still open say nothing of supply. */
  fillRate: number | null;
}

export interface TurnaroundRow {
  filled: number;
  medianHours: number;
  p90Hours: number;
}

export interface UnfilledReasonRow {
  /** `request`: why requests ended unfilled; `supplier`: why suppliers declined a try. */
  level: 'request' | 'supplier';
  supplierId: string | null;
  reason: string;
  count: number;
}

const round = (value: unknown, places = 2): number => {
  const factor = 10 ** places;
  return Math.round(Number(value) * factor) / factor;
};

const COUNTS = `count(*)::int as requests,
  count(hours)::int as filled,
  count(*) filter (where hours is null and last_status = 'unfilled')::int as unfilled,
  count(*) filter (where hours is null and last_status = 'cancelled')::int as cancelled,
  count(*) filter (where hours is null and last_status = 'rejected')::int as rejected,
  count(*) filter (where hours is null and last_status not in ('unfilled', 'cancelled', 'rejected', 'completed'))::int as open`;

type Row = Record<string, unknown>;
/** A report's row with the value of each dimension it is broken down by. */
export type Keyed<T> = T & Partial<Record<Dimension, string | null>>;

function groupColumns(by: readonly Dimension[]): { select: string; group: string; order: string } {
  if (by.length === 0) return { select: '', group: '', order: '' };
  const columns = by.map((dimension) => `${COLUMN[dimension]} as "${dimension}"`);
  const names = by.map((dimension) => COLUMN[dimension]);
  return { select: `${columns.join(', ')}, `, group: ` group by ${names.join(', ')}`, order: ` order by ${names.map((name) => `${name} nulls last`).join(', ')}` };
}

function keysOf(row: Row, by: readonly Dimension[]): Partial<Record<Dimension, string | null>> {
  return Object.fromEntries(by.map((dimension) => [dimension, (row[dimension] as string | null) ?? null]));
}

export class Reports {
  constructor(private readonly db: Knex) {}

  /** Fill rate and how requests ended, overall or broken down. */
  async fillRate(scope: ReportScope, by: readonly Dimension[] = []): Promise<Keyed<FillRateRow>[]> {
    const { select, group, order } = groupColumns(by);
    const { facts, bindings } = scoped(scope);
    const { rows } = await this.db.raw<{ rows: Row[] }>(`${facts} select ${select}${COUNTS} from facts${group}${order}`, bindings);
    return rows.map((row) => {
      const filled = Number(row.filled);
      const unfilled = Number(row.unfilled);
      return {
        ...keysOf(row, by),
        requests: Number(row.requests),
        filled,
        unfilled,
        cancelled: Number(row.cancelled),
        rejected: Number(row.rejected),
        open: Number(row.open),
        fillRate: filled + unfilled === 0 ? null : round(filled / (filled + unfilled), 4),
      };
    });
  }

  /** Median and 90th-percentile hours from submission to the fill, of filled requests, broken down. */
  async turnaround(scope: ReportScope, by: readonly Dimension[]): Promise<Keyed<TurnaroundRow>[]> {
    const { select, group, order } = groupColumns(by);
    const { facts, bindings } = scoped(scope);
    const { rows } = await this.db.raw<{ rows: Row[] }>(
      `${facts}
       select ${select}count(*)::int as filled,
         percentile_cont(0.5) within group (order by hours) as median,
         percentile_cont(0.9) within group (order by hours) as p90
       from facts where hours is not null${group}${order}`,
      bindings,
    );
    return rows.map((row) => ({ ...keysOf(row, by), filled: Number(row.filled), medianHours: round(row.median), p90Hours: round(row.p90) }));
  }

  /** Why requests ended unfilled, and why suppliers declined the tries they were sent, most frequent first. */
  async unfilledReasons(scope: ReportScope): Promise<UnfilledReasonRow[]> {
    const { facts, bindings } = scoped(scope);
    const { rows } = await this.db.raw<{ rows: Row[] }>(
      `${facts}
       select 'request' as level, null as supplier_id, coalesce(nullif(last_note, ''), '(no reason given)') as reason, count(*)::int as count
       from facts where hours is null and last_status = 'unfilled' group by 3
       union all
       select 'supplier', e.detail->>'supplierId', coalesce(nullif(regexp_replace(e.detail->>'note', '^Unfilled(: |)', ''), ''), '(no reason given)'), count(*)::int
       from facts join request_events e on e.request_id = facts.id
       where e.status = 'with-supplier' and (e.detail->>'note' = 'Unfilled' or e.detail->>'note' like 'Unfilled: %')
       group by 2, 3
       order by 1, 4 desc, 2, 3`,
      bindings,
    );
    return rows.map((row) => ({ level: row.level as 'request' | 'supplier', supplierId: (row.supplier_id as string | null) ?? null, reason: String(row.reason), count: Number(row.count) }));
  }
}
