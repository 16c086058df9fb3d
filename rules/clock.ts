// Working-hour clocks: a supplier's turnaround is counted in the hours it works, so a request sent
// on the eve of the National Day holiday is not late when the supplier's staff return. Pure: the
// day calendar is a function of the date, China's from the `chinese-days` package unless given.

// The package's published tables rather than its functions: those build their tables at load time
// in the process's local time, and west of Greenwich every holiday lands a day early.
import published from 'chinese-days/dist/chinese-days.json';
import type { TryDeadline } from '../domain/decision';
import type { Closure, NetworkConfig, Supplier, WorkingHours } from './types';

/** How one supplier works: its hours (absent: around the clock) and the days it is closed. */
export interface SupplierClock {
  hours?: WorkingHours;
  closures: readonly Closure[];
}

/** Whether a date (YYYY-MM-DD) is a working day by a public calendar, or the calendar has no data for it. */
export interface DayInfo {
  work: boolean;
  /** The holiday or make-up working day (调休) the calendar names, if any. */
  name?: string;
  /** False for a date beyond the calendar's data: `work` is then Monday to Friday. */
  known: boolean;
}

export type DayCalendar = (date: string) => DayInfo;

export interface Deadline {
  /** Epoch milliseconds. */
  at: number;
  /** Years the calendar had no data for, counted Monday to Friday. */
  assumedYears: number[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A clock that finds no working time within this many days is misconfigured, not slow. */
const MAX_DAYS = 3 * 366;

/** Date to `English name,中文名,days` of each holiday and make-up working day the package knows. */
const tables: { holidays: Record<string, string>; workdays: Record<string, string> } = published;

/** New Year's Day is a public holiday every year: a year whose 1 January the tables lack is one they do not cover. */
const yearKnown = (year: number): boolean => tables.holidays[`${year}-01-01`] !== undefined;

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const chineseName = (entry: string): string => entry.split(',')[1] ?? entry;

/** China's public calendar: holidays, weekends and make-up working days (调休), from `chinese-days`. */
export const chinaCalendar: DayCalendar = (date) => {
  const known = yearKnown(Number(date.slice(0, 4)));
  const made = tables.workdays[date];
  if (made !== undefined) return { work: true, known, name: chineseName(made) };
  const holiday = tables.holidays[date];
  if (holiday !== undefined) return { work: false, known, name: chineseName(holiday) };
  const day = weekday(date);
  return { work: day >= 1 && day <= 5, known };
};

/** The years `chinaCalendar` has data for, as the package shipped them. */
export function calendarYears(): { first: number; last: number } {
  let first = 2026;
  while (yearKnown(first - 1)) first--;
  let last = first;
  while (yearKnown(last + 1)) last++;
  return { first, last };
}

const formats = new Map<string, Intl.DateTimeFormat>();
function parts(timeZone: string, at: number): { date: string; minutes: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, minutes: Number(p.hour) * 60 + Number(p.minute) + Number(p.second) / 60 };
}

const QUARTER_HOUR = 15 * 60_000;
/** Dates already looked up, by time zone and quarter of an hour since the epoch; cleared when it grows large. */
const dates = new Map<string, string>();

/**
 * The date an instant falls on in a time zone. Every zone's offset from UTC, and every change of it,
 * is a whole number of quarters of an hour, so the date is the same throughout each quarter.
 */
export function dateIn(timeZone: string, at: number): string {
  const key = `${timeZone} ${Math.floor(at / QUARTER_HOUR)}`;
  let date = dates.get(key);
  if (date === undefined) {
    if (dates.size >= 100_000) dates.clear();
    dates.set(key, (date = parts(timeZone, at).date));
  }
  return date;
}

const instants = new Map<string, number>();

/** The instant a wall-clock time of a date has in a time zone (the later one where clocks go back). */
function instant(date: string, minutes: number, timeZone: string): number {
  const key = `${timeZone} ${date} ${minutes}`;
  let at = instants.get(key);
  if (at === undefined) instants.set(key, (at = instantOf(date, minutes, timeZone)));
  return at;
}

function instantOf(date: string, minutes: number, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const seen = parts(timeZone, guess);
    const seenWall = Date.parse(`${seen.date}T00:00:00Z`) + Math.round(seen.minutes * 60_000);
    guess += wall - seenWall;
  }
  return guess;
}

export function minutesOf(time: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) return undefined;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return undefined;
  return hours * 60 + minutes;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
}

function closed(closures: readonly Closure[], date: string): boolean {
  return closures.some((closure) => closure.from <= date && date <= closure.to);
}

/** Whether the supplier works on a date by its hours' `days` and the public calendar. */
function workday(hours: WorkingHours, date: string, calendar: DayCalendar, assumed: Set<number>): boolean {
  if (hours.days === 'every-day') return true;
  if (hours.days === 'weekdays') {
    const day = weekday(date);
    return day >= 1 && day <= 5;
  }
  const info = calendar(date);
  if (!info.known) assumed.add(Number(date.slice(0, 4)));
  return info.work;
}

/** Where the default clock is counted from: a supplier without hours works every hour of every day. */
const AROUND_THE_CLOCK: WorkingHours = { days: 'every-day', from: '00:00', to: '24:00', timeZone: 'Asia/Shanghai' };

/**
 * The supplier's working spans from the day `start` falls on, in order, each as epoch milliseconds
 * `[from, to)`, for at most `MAX_DAYS` days: days it does not work and closures give none. Years
 * the calendar does not know are added to `assumed` as they are met.
 */
function* workingSpans(start: number, clock: SupplierClock, calendar: DayCalendar, assumed: Set<number>): Generator<[number, number]> {
  const working = clock.hours ?? AROUND_THE_CLOCK;
  const open = minutesOf(working.from) ?? 0;
  const close = minutesOf(working.to) ?? 24 * 60;
  let date = dateIn(working.timeZone, start);
  for (let day = 0; day < MAX_DAYS; day++, date = nextDate(date)) {
    if (closed(clock.closures, date) || !workday(working, date, calendar, assumed)) continue;
    const from = instant(date, open, working.timeZone);
    const to = instant(date, close, working.timeZone);
    if (to > from) yield [from, to];
  }
}

/**
 * The instant `hours` working hours after `start` by the supplier's clock. Time outside its hours,
 * on days it does not work and on closures does not count; a clock with no hours counts every hour
 * but its closures.
 */
export function addWorkingHours(start: number, hours: number, clock: SupplierClock, calendar: DayCalendar = chinaCalendar): Deadline {
  const [[at = start], assumedYears] = addWorkingHoursEach(start, [hours], clock, calendar);
  return { at, assumedYears };
}

/**
 * The instants each of `hours` (in ascending order) working hours after `start`, as
 * `addWorkingHours` counts them but in one pass over the supplier's working days, and the years
 * the calendar did not know on the way to the last.
 */
export function addWorkingHoursEach(start: number, hours: readonly number[], clock: SupplierClock, calendar: DayCalendar = chinaCalendar): [number[], number[]] {
  const assumed = new Set<number>();
  const instants: number[] = [];
  const result = (): [number[], number[]] => [instants, [...assumed].sort()];
  let next = 0;
  // Working time counted before the span at hand.
  let counted = 0;
  const target = () => Math.max(0, Math.round((hours[next] ?? 0) * HOUR));
  for (; next < hours.length && target() <= 0; next++) instants.push(start);
  if (next === hours.length) return result();
  if (!clock.hours && clock.closures.length === 0) {
    for (; next < hours.length; next++) instants.push(start + target());
    return result();
  }
  for (const [open, to] of workingSpans(start, clock, calendar, assumed)) {
    const from = Math.max(start, open);
    if (to <= from) continue;
    for (; next < hours.length && target() - counted <= to - from; next++) instants.push(from + target() - counted);
    if (next === hours.length) return result();
    counted += to - from;
  }
  throw new Error(`no working time within ${MAX_DAYS} days of ${new Date(start).toISOString()}`);
}

/**
 * The working hours between two instants by the supplier's clock: how long an order took as the
 * supplier's staff count it. Zero when `end` is not after `start`.
 */
export function workingHoursBetween(start: number, end: number, clock: SupplierClock, calendar: DayCalendar = chinaCalendar): number {
  if (end <= start) return 0;
  if (!clock.hours && clock.closures.length === 0) return (end - start) / HOUR;
  let counted = 0;
  for (const [open, close] of workingSpans(start, clock, calendar, new Set())) {
    if (open >= end) break;
    counted += Math.max(0, Math.min(close, end) - Math.max(open, start));
  }
  return counted / HOUR;
}

/** The supplier's hours and closures: its own where it sets them over the network's. */
export function supplierClock(config: Pick<NetworkConfig, 'policy'> & { suppliers: readonly Pick<Supplier, 'id' | 'workingHours' | 'closures'>[] }, supplierId: string): SupplierClock {
  const { policy } = config;
  const supplier = config.suppliers.find((s) => s.id === supplierId);
  const own = supplier?.workingHours;
  const closures = [...(policy.closures ?? []), ...(supplier?.closures ?? [])];
  if (own === 'always') return { closures };
  const base = policy.workingHours;
  if (!base && !own) return { closures };
  return { hours: { days: 'calendar', from: '00:00', to: '24:00', timeZone: 'Asia/Shanghai', ...base, ...own }, closures };
}

/** The network's own hours and closures (`policy.yaml`): how a reader's wait is counted. */
export function networkClock(config: Pick<NetworkConfig, 'policy'>): SupplierClock {
  return supplierClock({ policy: config.policy, suppliers: [] }, '');
}

/** Why an instant counted over years the public calendar does not publish may be off, or undefined when none were. */
export function assumedYearsNote(assumedYears: readonly number[]): string | undefined {
  if (assumedYears.length === 0) return undefined;
  const { first, last } = calendarYears();
  return `${assumedYears.join(', ')} counted Monday to Friday: China's public holidays are published for ${first}–${last} only`;
}

/** How the clock counts, in the words an administrator or librarian reads in a decision. */
export function describeClock(clock: SupplierClock): string {
  const { hours } = clock;
  const days = { calendar: "working days of China's public calendar", weekdays: 'Monday to Friday', 'every-day': 'every day' };
  const base = hours ? `${hours.from}–${hours.to} ${hours.timeZone}, ${days[hours.days]}` : 'around the clock';
  return clock.closures.length > 0 ? `${base}, less ${clock.closures.length} closure(s)` : base;
}

/** A supplier's try of `hours` working hours, from `sentAt` when that is an instant (a date alone names no time to count from). */
/** Each configuration's supplier clocks and their descriptions, made on a supplier's first try: routing gives every rota entry a deadline. */
const described = new WeakMap<object, Map<string, { clock: SupplierClock; description: string }>>();

function describedClock(config: Pick<NetworkConfig, 'policy' | 'suppliers'>, supplierId: string): { clock: SupplierClock; description: string } {
  let clocks = described.get(config);
  if (!clocks) described.set(config, (clocks = new Map()));
  let known = clocks.get(supplierId);
  if (!known) {
    const clock = supplierClock(config, supplierId);
    clocks.set(supplierId, (known = { clock, description: describeClock(clock) }));
  }
  return known;
}

/** Whether a time given names an instant to count from: a date alone names none. */
export const namesInstant = (at: string | undefined): at is string => at !== undefined && at.includes('T');

export function tryDeadline(config: Pick<NetworkConfig, 'policy' | 'suppliers'>, supplierId: string, hours: number, sentAt?: string, calendar: DayCalendar = chinaCalendar): TryDeadline {
  const { clock, description } = describedClock(config, supplierId);
  const deadline: TryDeadline = { workingHours: hours, clock: description };
  const start = namesInstant(sentAt) ? Date.parse(sentAt) : Number.NaN;
  if (Number.isNaN(start)) return deadline;
  const { at, assumedYears } = addWorkingHours(start, hours, clock, calendar);
  deadline.at = new Date(at).toISOString();
  const note = assumedYearsNote(assumedYears);
  if (note) deadline.note = note;
  return deadline;
}
