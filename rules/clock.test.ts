import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingHours, addWorkingHoursEach, calendarYears, chinaCalendar, describeClock, supplierClock, workingHoursBetween, type SupplierClock } from './clock';
import { loadNetwork } from './load';
import { configCopies, SHIPPED_CONFIG } from './config-fixture';
import type { NetworkConfig } from './types';

const shanghai: SupplierClock = { hours: { days: 'calendar', from: '08:30', to: '17:30', timeZone: 'Asia/Shanghai' }, closures: [] };
const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe("China's public calendar", () => {
  it('knows the 2026 National Day holiday and the Saturday worked to make up for it', () => {
    expect(chinaCalendar('2026-10-01')).toMatchObject({ work: false, known: true, name: '国庆节' });
    expect(chinaCalendar('2026-10-07')).toMatchObject({ work: false, known: true });
    expect(chinaCalendar('2026-10-10')).toMatchObject({ work: true, known: true, name: '国庆节' });
    expect(chinaCalendar('2026-10-11')).toEqual({ work: false, known: true });
  });

  it('says where its data ends and counts Monday to Friday beyond it', () => {
    expect(calendarYears()).toEqual({ first: 2004, last: 2026 });
    // 1 January 2027 is New Year's Day, but the package has no 2027 data: it is counted a Friday like any other.
    expect(chinaCalendar('2027-01-01')).toEqual({ work: true, known: false });
    expect(chinaCalendar('2027-01-02')).toEqual({ work: false, known: false });
  });
});

describe('working hours between two instants', () => {
  it('counts only the hours the supplier works, across the National Day holiday', () => {
    // 14:00 on 30 September to 12:00 on 9 October: 3.5 hours, the holiday, 9 on the 8th, 3.5 on the 9th.
    expect(workingHoursBetween(at('2026-09-30T14:00:00+08:00'), at('2026-10-09T12:00:00+08:00'), shanghai)).toBe(16);
    expect(workingHoursBetween(at('2026-10-02T09:00:00+08:00'), at('2026-10-05T17:00:00+08:00'), shanghai)).toBe(0);
    expect(workingHoursBetween(at('2026-03-02T10:00:00+08:00'), at('2026-03-02T09:00:00+08:00'), shanghai)).toBe(0);
  });

  it('counts every hour around the clock and none of a closure', () => {
    expect(workingHoursBetween(at('2026-10-01T10:00:00+08:00'), at('2026-10-02T10:30:00+08:00'), { closures: [] })).toBe(24.5);
    const closed: SupplierClock = { closures: [{ from: '2026-10-02', to: '2026-10-02' }] };
    expect(workingHoursBetween(at('2026-10-01T12:00:00+08:00'), at('2026-10-03T12:00:00+08:00'), closed)).toBe(24);
  });

  it('undoes addWorkingHours for any start and any number of hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2026-12-31T00:00:00Z') }), fc.integer({ min: 0, max: 400 }), (start, quarters) => {
        const hours = quarters / 4;
        expect(workingHoursBetween(start, addWorkingHours(start, hours, shanghai).at, shanghai)).toBeCloseTo(hours, 6);
      }),
      { numRuns: 200 },
    );
  });
});

describe('working-hour deadlines', () => {
  it('carries a request made on the eve of National Day past the holiday', () => {
    // 14:00 on 30 September leaves 3.5 hours that day; 1-7 October are a holiday.
    const start = at('2026-09-30T14:00:00+08:00');
    expect(iso(addWorkingHours(start, 16, shanghai).at)).toBe('2026-10-09T04:00:00.000Z'); // 12:00 on 9 October
    // 3.5 + 9 + 9 leaves 2.5 hours for Saturday 10 October, a make-up working day.
    expect(iso(addWorkingHours(start, 24, shanghai).at)).toBe('2026-10-10T03:00:00.000Z');
    expect(addWorkingHours(start, 24, shanghai).assumedYears).toEqual([]);
  });

  it('starts counting when the working day starts and stops at its end', () => {
    expect(iso(addWorkingHours(at('2026-03-02T06:00:00+08:00'), 1, shanghai).at)).toBe('2026-03-02T01:30:00.000Z'); // 09:30
    expect(iso(addWorkingHours(at('2026-03-06T17:00:00+08:00'), 1, shanghai).at)).toBe('2026-03-09T01:00:00.000Z'); // Monday 09:00
  });

  it('counts every hour of a service that runs around the clock, holidays included', () => {
    const start = at('2026-10-01T10:00:00+08:00');
    expect(addWorkingHours(start, 8, { closures: [] }).at).toBe(start + 8 * 3_600_000);
  });

  it('skips a closure and notes the years counted Monday to Friday', () => {
    const clock: SupplierClock = { ...shanghai, closures: [{ from: '2027-01-18', to: '2027-02-21' }] };
    const deadline = addWorkingHours(at('2027-01-15T16:30:00+08:00'), 2, clock);
    expect(iso(deadline.at)).toBe('2027-02-22T01:30:00.000Z'); // one hour on Friday 15 January, one on Monday 22 February
    expect(deadline.assumedYears).toEqual([2027]);
  });

  it('keeps an overseas partner on its own time zone and weekdays', () => {
    const clock: SupplierClock = { hours: { days: 'weekdays', from: '09:00', to: '17:00', timeZone: 'America/New_York' }, closures: [] };
    // 02:00 on 1 October in Beijing is 14:00 on 30 September in Cambridge, Massachusetts: 3 hours
    // that day, 5 on 1 October, a holiday in China but not there.
    expect(iso(addWorkingHours(at('2026-10-01T02:00:00+08:00'), 8, clock).at)).toBe('2026-10-01T18:00:00.000Z');
  });

  const starts = fc.integer({ min: at('2025-12-01T00:00:00Z'), max: at('2027-03-01T00:00:00Z') });
  const hours = fc.integer({ min: 0, max: 400 }).map((quarters) => quarters / 4);
  const clocks = fc.constantFrom<SupplierClock>(
    shanghai,
    { closures: [] },
    { hours: { days: 'weekdays', from: '09:00', to: '17:00', timeZone: 'America/New_York' }, closures: [{ from: '2026-12-24', to: '2027-01-01' }] },
    { hours: { days: 'every-day', from: '00:00', to: '24:00', timeZone: 'Asia/Shanghai' }, closures: [{ from: '2026-02-14', to: '2026-02-20' }] },
  );

  it('never ends before it starts, and never later than at least that many hours', () => {
    fc.assert(
      fc.property(starts, hours, clocks, (start, h, clock) => {
        const deadline = addWorkingHours(start, h, clock).at;
        expect(deadline).toBeGreaterThanOrEqual(start + h * 3_600_000);
      }),
    );
  });

  it('gives more time for more hours', () => {
    fc.assert(
      fc.property(starts, hours, hours, clocks, (start, a, b, clock) => {
        const [less, more] = a <= b ? [a, b] : [b, a];
        expect(addWorkingHours(start, less, clock).at).toBeLessThanOrEqual(addWorkingHours(start, more, clock).at);
      }),
    );
  });

  it('adds up: a hours then b hours is a + b hours', () => {
    fc.assert(
      fc.property(starts, hours, hours, clocks, (start, a, b, clock) => {
        const first = addWorkingHours(start, a, clock).at;
        expect(addWorkingHours(first, b, clock).at).toBe(addWorkingHours(start, a + b, clock).at);
      }),
    );
  });

  it('counts several numbers of hours from one start in one pass, each as it would alone', () => {
    fc.assert(
      fc.property(starts, fc.array(hours, { maxLength: 4 }), clocks, (start, given, clock) => {
        const sorted = [...given].sort((a, b) => a - b);
        const [instants] = addWorkingHoursEach(start, sorted, clock);
        expect(instants).toEqual(sorted.map((h) => addWorkingHours(start, h, clock).at));
      }),
    );
  });
});

describe('supplier clocks from the configuration', () => {
  const { config } = loadNetwork(SHIPPED_CONFIG) as { config: NetworkConfig };

  it("gives suppliers the network's hours, a vendor's pay-per-view service none, and a library its closure", () => {
    expect(describeClock(supplierClock(config, 'pku'))).toBe("08:30–17:30 Asia/Shanghai, working days of China's public calendar");
    expect(describeClock(supplierClock(config, 'cnki'))).toBe('around the clock');
    expect(supplierClock(config, 'jlu').closures).toEqual([{ from: '2027-01-18', to: '2027-02-21', note: 'winter vacation (寒假闭馆)' }]);
    expect(supplierClock(config, 'harvard-yenching').hours).toEqual({ days: 'weekdays', from: '09:00', to: '17:00', timeZone: 'America/New_York' });
  });

  const copy = configCopies();

  it('reports impossible hours and closures where they are written', () => {
    const dir = copy();
    dir.patch('policy.yaml', "from: '08:30', to: '17:30'", "from: '17:30', to: '08:30'");
    dir.patch('suppliers/service-libraries.yaml', "from: '2027-01-18', to: '2027-02-21'", "from: '2027-02-21', to: '2027-01-18'");
    dir.patch('suppliers/overseas.yaml', "from: '09:00', to: '17:00', timeZone: America/New_York", "from: '25:00', to: '17:00', timeZone: America/Boston");
    const { config: loaded, problems } = loadNetwork(dir.dir);
    expect(loaded).toBeUndefined();
    expect(dir.lines(problems)).toEqual([
      `${dir.at('policy.yaml', "to: '08:30'", 4)}: working hours end (08:30) before they start (17:30); for a service that runs around the clock write 'always'`,
      `${dir.at('suppliers/overseas.yaml', "from: '25:00'", 6)}: '25:00' is not a time of day: write HH:MM, 00:00 to 24:00`,
      `${dir.at('suppliers/overseas.yaml', 'America/Boston')}: unknown time zone 'America/Boston': write an IANA name such as Asia/Shanghai`,
      `${dir.at('suppliers/service-libraries.yaml', "to: '2027-01-18'", 4)}: closure ends (2027-01-18) before it starts (2027-02-21)`,
    ]);
  });

  it("judges a supplier's one end of the day against the network's other", () => {
    const dir = copy();
    dir.patch('suppliers/service-libraries.yaml', "    closures: [{ from: '2027-01-18'", "    workingHours: { to: '08:00' }\n    closures: [{ from: '2027-01-18'");
    expect(dir.lines(loadNetwork(dir.dir).problems)).toEqual([
      `${dir.at('suppliers/service-libraries.yaml', "'08:00'")}: with the network's hours (policy.yaml) this supplier's day runs from 08:30 to 08:00, ending before it starts`,
    ]);
  });
});
