import type { Messages } from './messages';

/**
 * A reason as people read it: an ISO 18626 reason code in words, with whatever the supplier wrote
 * after it (`NotOnShelf: at the bindery`); anything else is free text, shown as it was written.
 */
export function reasonShown(reason: string, t: Messages): string {
  const [, code, note] = /^([A-Za-z]+)(?:: ([\s\S]*))?$/.exec(reason) ?? [];
  const label = code === undefined ? undefined : t.staff.unfilledReasons[code];
  if (label === undefined) return reason;
  return note ? t.admin.reasonWithNote(label, note) : label;
}
