import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart } from './days';

describe('days as the network counts them', () => {
  it('starts a day at midnight in China', () => {
    expect(dayStart('2026-12-07')).toBe('2026-12-06T16:00:00.000Z');
  });

  it('ends a day at the next day’s start, the bound the API leaves out', () => {
    expect(dayEnd('2026-12-07')).toBe('2026-12-07T16:00:00.000Z');
    expect(dayEnd('2026-12-31')).toBe(dayStart('2027-01-01'));
  });
});
