import Router from '@koa/router';
import type { Caller } from '../../auth/tokens';
import { DIMENSIONS, type Dimension, type ReportScope, type Reports } from '../../store/reports';
import type { AuthState } from '../authenticate';
import { INSTANT, Routes, SAFE_ID, type RouteContext, type Schema } from '../contract';
import { csv, wantsCsv } from '../csv';
import { HttpError } from '../http-error';

export interface ReportRoutesDeps {
  reports: Reports;
}

interface ReportQuery {
  from?: string;
  to?: string;
  library?: string;
  by?: Dimension[];
  format?: 'json' | 'csv';
}

/** The query of every report; those broken down take `by`, defaulting to `defaultBy`. */
const scopeQuery = (defaultBy?: Dimension[]): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { ...INSTANT, description: 'requests submitted at or after this instant (RFC 3339)' },
    to: { ...INSTANT, description: 'requests submitted before this instant (RFC 3339)' },
    library: { ...SAFE_ID, description: "one requesting library's requests; a librarian's own library whether named or not" },
    ...(defaultBy
      ? {
          by: {
            type: 'array',
            items: { enum: [...DIMENSIONS] },
            uniqueItems: true,
            maxItems: DIMENSIONS.length,
            default: defaultBy,
            description: `break down by ${DIMENSIONS.join(', ')} (comma-separated or repeated)`,
          },
        }
      : {}),
    format: { enum: ['json', 'csv'], description: 'csv for a spreadsheet; also chosen by Accept: text/csv' },
  },
});

/** The centre sees the network; a requesting library sees its own requests only. */
function scopeFor(caller: Caller, query: ReportQuery): ReportScope {
  if (caller.role === 'librarian') {
    if (query.library !== undefined && query.library !== caller.libraryId) throw new HttpError(403, `a librarian of ${caller.libraryId} cannot see reports of ${query.library}`);
    return { from: query.from, to: query.to, libraryId: caller.libraryId };
  }
  return { from: query.from, to: query.to, libraryId: query.library };
}

function answer(ctx: RouteContext, name: string, query: ReportQuery, rows: Record<string, unknown>[], columns: string[]): void {
  if (wantsCsv(ctx, query.format)) {
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`${name}.csv`);
    ctx.body = csv(columns, rows);
    return;
  }
  ctx.body = { report: name, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}), rows };
}

const FILL_RATE_COLUMNS = ['requests', 'filled', 'unfilled', 'cancelled', 'rejected', 'open', 'fillRate'];

/** The reports that break down by dimensions: each its rows for a scope and its columns after the dimensions. */
const BROKEN_DOWN: { name: string; summary: string; by: Dimension[]; rows: (reports: Reports, scope: ReportScope, by: Dimension[]) => Promise<object[]>; columns: string[] }[] = [
  { name: 'fill-rate', summary: 'Read the fill rate and how requests ended', by: [], rows: (reports, scope, by) => reports.fillRate(scope, by), columns: FILL_RATE_COLUMNS },
  { name: 'volumes', summary: 'Read request volumes by library', by: ['library'], rows: (reports, scope, by) => reports.fillRate(scope, by), columns: FILL_RATE_COLUMNS },
  { name: 'turnaround', summary: 'Read median and 90th-percentile turnaround', by: ['supplier'], rows: (reports, scope, by) => reports.turnaround(scope, by), columns: ['filled', 'medianHours', 'p90Hours'] },
];

/** `GET /api/reports/...`: fill rate, turnaround, volumes and unfilled reasons, as JSON or CSV. */
export function reportRoutes({ reports }: ReportRoutesDeps): Routes {
  const routes = new Routes(new Router<AuthState>());
  const roles = ['librarian', 'administrator'] as const;
  for (const report of BROKEN_DOWN) {
    routes.add<ReportQuery>({ method: 'get', path: `/api/reports/${report.name}`, summary: report.summary, roles, query: scopeQuery(report.by) }, async (ctx, { query }) => {
      const by = query.by ?? report.by;
      const rows = await report.rows(reports, scopeFor(ctx.state.caller, query), by);
      answer(ctx, report.name, query, rows as Record<string, unknown>[], [...by, ...report.columns]);
    });
  }
  routes.add<ReportQuery>(
    { method: 'get', path: '/api/reports/unfilled-reasons', summary: 'Read why requests went unfilled', roles, query: scopeQuery() },
    async (ctx, { query }) => {
      const rows = await reports.unfilledReasons(scopeFor(ctx.state.caller, query));
      answer(ctx, 'unfilled-reasons', query, rows as unknown as Record<string, unknown>[], ['level', 'supplierId', 'reason', 'count']);
    },
  );
  return routes;
}
