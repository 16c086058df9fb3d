import { useState } from 'preact/hooks';
import { dayEnd, dayStart } from '../days';
import { useCsvDownload } from '../download';
import { useMessages } from '../i18n';
import type { Messages } from '../messages';
import { usePolled } from '../polling';
import { reasonShown } from '../reasons';
import { useApi, useSession } from '../session';
import { BarChart, type BarSeries } from './BarChart';
import { Heading } from './Heading';

/** A row of any report: the dimensions it is broken down by, then its figures. */
type Row = Record<string, string | number | null>;
type Column = keyof Messages['admin']['columns'];

interface Report {
  id: string;
  title: (t: Messages['admin']) => string;
  /** The report and its breakdown, as the API names them. */
  path: string;
  columns: Column[];
  chart: (rows: Row[], t: Messages) => { categories: string[]; series: BarSeries[]; unit?: string; whole?: boolean };
  /** How a column's values read where not as `shown` has them. */
  cells?: Partial<Record<Column, (value: Row[string] | undefined, t: Messages) => string>>;
}

const OUTCOMES = ['filled', 'unfilled', 'cancelled', 'rejected', 'open'] as const;
const number = (value: unknown) => (typeof value === 'number' ? value : null);
const turnaround = (by: 'supplier' | 'month') => (rows: Row[], { admin: a }: Messages) => ({
  categories: rows.map((row) => String(row[by] ?? a.unknown)),
  series: [
    { label: a.columns.medianHours, values: rows.map((row) => number(row.medianHours)) },
    { label: a.columns.p90Hours, values: rows.map((row) => number(row.p90Hours)) },
  ],
  unit: a.hours,
});

/** Why requests went unfilled: the request's last word, and each supplier's refusal on the way. */
const LEVELS = ['request', 'supplier'] as const;
/** What the reports store puts where nobody gave a reason. */
const NO_REASON = '(no reason given)';
/** Longer reasons are cut short under the chart; the table has them whole. */
const AXIS_CHARACTERS = 12;

/** A reason of the report, or that nobody gave one. */
const reasonOf = (reason: unknown, t: Messages): string => (reason === null || reason === undefined || reason === NO_REASON ? t.admin.noReasonGiven : reasonShown(String(reason), t));

const cut = (text: string) => (text.length > AXIS_CHARACTERS ? `${text.slice(0, AXIS_CHARACTERS - 1)}…` : text);

function unfilledChart(rows: Row[], t: Messages) {
  const reasons = [...new Set(rows.map((row) => reasonOf(row.reason, t)))];
  const times = (level: (typeof LEVELS)[number], reason: string) =>
    rows.filter((row) => row.level === level && reasonOf(row.reason, t) === reason).reduce((sum, row) => sum + (number(row.count) ?? 0), 0);
  return {
    categories: reasons.map(cut),
    series: LEVELS.map((level) => ({ label: t.admin.levels[level], values: reasons.map((reason) => times(level, reason)) })),
    whole: true,
  };
}

const REPORTS: Report[] = [
  {
    id: 'outcomes',
    title: (t) => t.outcomes,
    path: 'fill-rate',
    columns: ['requests', ...OUTCOMES, 'fillRate'],
    chart: (rows, { admin: a }) => ({
      categories: OUTCOMES.map((outcome) => a.columns[outcome]),
      series: [{ label: a.columns.requests, values: OUTCOMES.map((outcome) => number(rows[0]?.[outcome])) }],
      whole: true,
    }),
  },
  { id: 'turnaround-supplier', title: (t) => t.turnaroundBySupplier, path: 'turnaround?by=supplier', columns: ['supplier', 'filled', 'medianHours', 'p90Hours'], chart: turnaround('supplier') },
  { id: 'turnaround-month', title: (t) => t.turnaroundByMonth, path: 'turnaround?by=month', columns: ['month', 'filled', 'medianHours', 'p90Hours'], chart: turnaround('month') },
  {
    id: 'volumes',
    title: (t) => t.volumeByLibrary,
    path: 'volumes?by=library',
    columns: ['library', 'requests', ...OUTCOMES, 'fillRate'],
    chart: (rows, { admin: a }) => ({
      categories: rows.map((row) => String(row.library ?? a.unknown)),
      series: [
        { label: a.columns.requests, values: rows.map((row) => number(row.requests)) },
        { label: a.columns.filled, values: rows.map((row) => number(row.filled)) },
      ],
      whole: true,
    }),
  },
  {
    id: 'unfilled-reasons',
    title: (t) => t.unfilledReasons,
    path: 'unfilled-reasons',
    columns: ['level', 'supplierId', 'reason', 'count'],
    chart: unfilledChart,
    cells: {
      level: (value, t) => t.admin.levels[value as (typeof LEVELS)[number]] ?? String(value),
      // A request's own reason is nobody's refusal in particular.
      supplierId: (value) => (value === null || value === undefined ? '—' : String(value)),
      reason: reasonOf,
    },
  },
];

/** A figure as the table shows it: a fill rate as a percentage, a dimension nobody has as "unknown". */
function shown(column: Column, value: Row[string] | undefined, t: Messages['admin']): string {
  if (value === null || value === undefined) return column === 'fillRate' ? '—' : t.unknown;
  if (column === 'fillRate' && typeof value === 'number') return `${(value * 100).toFixed(1)}%`;
  return String(value);
}

/** The period's query: requests submitted from the first day to the end of the last, China time. */
function periodQuery(period: { from: string; to: string }): string {
  const query = new URLSearchParams();
  if (period.from) query.set('from', dayStart(period.from));
  if (period.to) query.set('to', dayEnd(period.to));
  return query.toString();
}

function ReportSection({ report, period }: { report: Report; period: string }) {
  const { t } = useMessages();
  const a = t.admin;
  const api = useApi();
  const download = useCsvDownload();
  const [problem, setProblem] = useState<string>();
  const path = `/api/reports/${report.path}${report.path.includes('?') ? '&' : '?'}${period}`;
  const rows = usePolled(
    async () => {
      const answer = await api<{ rows: Row[] }>('GET', path);
      return answer.ok ? answer.body.rows : undefined;
    },
    path,
    null,
  );
  const title = report.title(a);
  const empty = !rows || rows.length === 0 || (report.path === 'fill-rate' && rows[0]?.requests === 0);
  return (
    <section class="report" aria-labelledby={`${report.id}-title`} data-report={report.id}>
      <h2 id={`${report.id}-title`}>{title}</h2>
      {!rows ? (
        <p>{t.loading}</p>
      ) : empty ? (
        <p>{a.noData}</p>
      ) : (
        <>
          <BarChart {...report.chart(rows, t)} />
          <table class="figures">
            <caption>{a.chartTable(title)}</caption>
            <thead>
              <tr>
                {report.columns.map((column) => (
                  <th key={column} scope="col" data-column={column}>
                    {a.columns[column]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr key={index}>
                  {report.columns.map((column) => (
                    <td key={column} data-column={column}>
                      {report.cells?.[column]?.(row[column], t) ?? shown(column, row[column], a)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p>
        <button type="button" onClick={async () => setProblem(await download(`${path}&format=csv`, `${report.id}.csv`))}>
          {a.downloadCsv(title)}
        </button>
      </p>
      {problem && <p role="alert" class="problem">{problem}</p>}
    </section>
  );
}

/** Fill rate, turnaround, volumes and why requests went unfilled as charts with their figures beside them, for a period; a librarian's of their own library. */
export function Reports() {
  const { t } = useMessages();
  const a = t.admin;
  const { session } = useSession();
  const [draft, setDraft] = useState({ from: '', to: '' });
  const [period, setPeriod] = useState(draft);
  const query = periodQuery(period);
  return (
    <>
      <Heading>{a.reports}</Heading>
      <p class="hint">{session?.role === 'librarian' ? a.ownLibraryOnly(session.libraryId) : a.periodHint}</p>
      <form
        class="search"
        aria-label={a.period}
        onSubmit={(event) => {
          event.preventDefault();
          setPeriod(draft);
        }}
      >
        <div class="field">
          <label for="period-from">{a.periodFrom}</label>
          <input id="period-from" type="date" value={draft.from} onInput={(event) => setDraft({ ...draft, from: event.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="period-to">{a.periodTo}</label>
          <input id="period-to" type="date" value={draft.to} onInput={(event) => setDraft({ ...draft, to: event.currentTarget.value })} />
        </div>
        <button type="submit">{a.apply}</button>
      </form>
      {REPORTS.map((report) => (
        <ReportSection key={report.id} report={report} period={query} />
      ))}
    </>
  );
}
