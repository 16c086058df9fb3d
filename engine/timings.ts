import type { NetworkPolicy } from '../rules/types';
import type { LifecycleTimings } from '../workflows/definitions';

/** Events in one run of a request's history before a long loan continues as a new run. */
export const HISTORY_LIMIT = 2_000;

/** The durations a new request runs on, from the network policy in force when it is submitted. */
export function lifecycleTimings(policy: NetworkPolicy): LifecycleTimings {
  const { delivery, lifecycle } = policy;
  return {
    expectToSupplyExtensionHours: lifecycle.expectToSupplyExtensionHours,
    willSupplyExtensionHours: lifecycle.willSupplyExtensionHours,
    copyLinkValidHours: delivery.copyLinkValidHours,
    ebookValidDays: delivery.ebookValidDays,
    loanPeriodDays: delivery.loanPeriodDays,
    loanReminderDaysBeforeDue: lifecycle.loanReminderDaysBeforeDue,
    returnConfirmDays: lifecycle.returnConfirmDays,
    taskDueHours: { ...lifecycle.taskDueHours },
    historyLimit: HISTORY_LIMIT,
  };
}
