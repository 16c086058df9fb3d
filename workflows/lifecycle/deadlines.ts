// Deadline arithmetic of the lifecycle, in epoch milliseconds: pure, so it is tested without a server.
import type { Service } from '../../domain/request';
import type { RequestState, TaskType } from '../../domain/request-state';
import type { LifecycleTimings } from '../definitions';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** How long each supplier has to fill, from the routing decision (24 hours when there was none). */
export const tryWindow = (deadlineHours: number | undefined): number => (deadlineHours ?? 24) * HOUR;

/** Requests started before a kind of task existed have no due time for it: they give it a price approval's. */
export const taskDueAt = (openedAt: number, type: TaskType, timings: LifecycleTimings): number =>
  openedAt + (timings.taskDueHours[type] ?? timings.taskDueHours.approveCost) * HOUR;

/** A supplier's promise to supply buys it time from now, never less than it already had. */
export function extendedDeadline(deadline: number, now: number, promise: 'ExpectToSupply' | 'WillSupply', timings: LifecycleTimings): number {
  const hours = promise === 'WillSupply' ? timings.willSupplyExtensionHours : timings.expectToSupplyExtensionHours;
  return Math.max(deadline, now + hours * HOUR);
}

/** When a delivered link stops working: a month for a CALIS e-book download, hours for a copy. */
export function deliveryExpiry(service: Service, deliveredAt: number, timings: LifecycleTimings): number {
  return deliveredAt + (service === 'ebook' ? timings.ebookValidDays * DAY : timings.copyLinkValidHours * HOUR);
}

export const loanDueDate = (shippedAt: number, timings: LifecycleTimings): number => shippedAt + timings.loanPeriodDays * DAY;

/**
 * When a loan next needs the workflow's attention by itself: the reminder before it is due, unless
 * sent for this due date already, then the due date, unless already overdue (then only people wake it).
 */
export function nextLoanWake(loan: NonNullable<RequestState['loan']>, status: RequestState['status'], now: number, timings: LifecycleTimings): number | undefined {
  const due = Date.parse(loan.dueDate);
  const remindAt = due - timings.loanReminderDaysBeforeDue * DAY;
  if (loan.remindedFor !== loan.dueDate && now < remindAt) return remindAt;
  return status === 'overdue' ? undefined : due;
}
