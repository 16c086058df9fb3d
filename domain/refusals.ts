/**
 * Why the API refused a call, as a code in its error body (`error.code`) beside the English message:
 * the workbench words each code in its reader's language, and a client acts on it without reading
 * the message. The message keeps the particulars (which task, which request, which cap).
 */
export const REFUSAL_CODES = [
  /** The task answered is no longer open, or someone answered it first: the page was out of date. */
  'stale-task',
  /** The request has ended and takes no more decisions or messages. */
  'request-closed',
  /** The reader has a request open for the same document; it may be asked again when confirmed. */
  'duplicate',
  /** The reader has as many requests open as the network or their library allows. */
  'quota',
  /** A supplier's status would go back on one it has already reported. */
  'out-of-order',
  /** A return, renewal or note is already being handled for the request. */
  'in-progress',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

export const isRefusalCode = (value: unknown): value is RefusalCode => REFUSAL_CODES.includes(value as RefusalCode);
