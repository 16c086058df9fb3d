/**
 * Why a message could not reach a supplier, as the audit trail records it: a class, never the
 * adapter's own words, which name endpoints, hosts and the variables credentials are read from.
 * Those words go to the service's log for the people who run it.
 */
export const SEND_FAILURES = ['timeout', 'refused', 'unreachable', 'no-credentials', 'credentials-refused', 'not-configured', 'supplier-error', 'rejected', 'failed'] as const;
export type SendFailure = (typeof SEND_FAILURES)[number];

/** The audit events whose reason is a SendFailure (or, recorded before classes were, the adapter's words). */
export const SEND_FAILURE_EVENTS: readonly string[] = ['send-failed', 'close-not-told', 'note-not-sent'];

// First match wins: a refused connection is also a failed fetch, a missing credential a refusal.
const CLASSES: [RegExp, SendFailure][] = [
  [/no answer within|timed? ?out|ETIMEDOUT/i, 'timeout'],
  [/ECONNREFUSED/, 'refused'],
  [/credential variable/, 'no-credentials'],
  [/HTTP 40[13]\b/, 'credentials-refused'],
  [/no \w+ is configured|is not in the configuration/, 'not-configured'],
  [/ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE|socket hang up|other side closed|fetch failed/i, 'unreachable'],
  [/HTTP (?:408|429|5\d\d)\b|not valid ISO 18626|answered with a/, 'supplier-error'],
  [/HTTP 4\d\d\b|refused: /, 'rejected'],
];

/**
 * The class of an adapter's error message, `refused` where the adapter judged the supplier would
 * never take the call; a pure function of them, so a replayed workflow records the same.
 */
export function sendFailureOf(message: string, refused = false): SendFailure {
  return CLASSES.find(([pattern]) => pattern.test(message))?.[1] ?? (refused ? 'rejected' : 'failed');
}
