// What a reader is not told of their own request: why a call to a supplier failed. A failure's class
// says little, but entries recorded before classes were hold the adapter's words, which name the
// supplier's endpoints, hosts and credential variables. Readers learn that a try failed, not why.
import type { AuditFacts, RequestState } from '../../domain/request-state';
import { SEND_FAILURE_EVENTS } from '../../domain/send-failures';

/** The notes of failed calls recorded before entries carried an event. */
const OLD_FAILURE_NOTE = /^(?:could not send|could not tell .+ of the close|the note could not be sent):/;

/** An entry's facts without the reason and note of a failed call to a supplier. */
export function withoutWhy<T extends AuditFacts>(facts: T): T {
  const failed = facts.event ? SEND_FAILURE_EVENTS.includes(facts.event) : OLD_FAILURE_NOTE.test(facts.note ?? '');
  if (!failed) return facts;
  const { reason: _reason, note: _note, ...rest } = facts;
  return rest as T;
}

type Tries = RequestState['tried'];
// A supplier's refusal is told in the history too; only a failed send's reason is kept back.
const untried = (tried: Tries): Tries => tried.map(({ reason, ...rest }) => (rest.outcome === 'send-failed' ? rest : { ...rest, reason }));

/**
 * A request's state as its reader sees it: its history and tries (its staff's tasks' too) without why
 * calls failed. A run from before a field was kept may lack it, so each is read only where present.
 */
export function readersState(state: RequestState): RequestState {
  return {
    ...state,
    history: state.history?.map(withoutWhy),
    tried: state.tried && untried(state.tried),
    tasks: state.tasks?.map((task) => (Array.isArray(task.detail.tried) ? { ...task, detail: { ...task.detail, tried: untried(task.detail.tried as Tries) } } : task)),
  };
}
