// The messages a request's workflow answers: its status query, people's decisions and suppliers'
// messages. Each update is checked by a validator before it is accepted (a refused one leaves no
// trace in the history) and applied by the workflow's own code, not by the handler.
import { condition, log, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Actor, RequestState, TaskType } from '../../domain/request-state';
import { currentSupplier } from '../../domain/request-state';
import { hear, judgeSupplierMessage, type SupplierMessage } from '../../domain/supplier-messages';
import {
  approveCostUpdate,
  cancelUpdate,
  closeUpdate,
  loanConditionUpdate,
  receiveUpdate,
  renewAnswerUpdate,
  renewUpdate,
  returnUpdate,
  reviewUpdate,
  searchProxyUpdate,
  statusQuery,
  supplierMessageSignal,
  supplierMessageUpdate,
  supplierNoteUpdate,
  type ActorInput,
  type CancelInput,
  type CloseInput,
  type SupplierMessageReceipt,
  type SupplierNoteInput,
} from '../definitions';
import { isNote, recordSupplierNote, sendSupplierNote } from './notes';
import type { Answers, RequestRun } from './run';
import {
  checkApproval,
  checkCancel,
  checkClose,
  checkLoanAction,
  checkRenewAnswer,
  checkReview,
  checkSearchProxyAnswer,
  checkSupplierMessage,
  checkSupplierNote,
  checkTaskAnswer,
} from './validators';

/** Hands an accepted answer to the workflow and answers the caller once it has been acted on. */
async function applied<K extends keyof Answers>(run: RequestRun, key: K, answer: Answers[K]): Promise<RequestState> {
  const before = run.state.history.length;
  run.answers[key] = answer;
  // A close or a cancellation taken in the same activation may end the request before the answer
  // is acted on; the caller then hears how it ended rather than waiting on a run that has finished.
  await condition(() => (run.state.history.length > before && run.answers[key] === undefined) || run.final());
  return run.state;
}

function taskUpdate<K extends keyof Answers, A extends NonNullable<Answers[K]> & { actor: Actor }>(
  run: RequestRun,
  update: UpdateDefinition<RequestState, [A]>,
  key: K,
  type: TaskType,
  check: (answer: A) => void = () => undefined,
): void {
  setHandler(update, (answer: A) => applied(run, key, answer as Answers[K]), {
    validator: (answer: A) => {
      checkTaskAnswer(run.state, type, answer?.actor, run.answers[key] !== undefined);
      check(answer);
    },
  });
}

function loanUpdate(run: RequestRun, update: typeof returnUpdate, key: 'return' | 'renew'): void {
  setHandler(update, (answer: ActorInput) => applied(run, key, answer), {
    validator: (answer: ActorInput) => checkLoanAction(run.state, key, answer?.actor, run.answers[key] !== undefined),
  });
}

/**
 * A supplier's message, once it holds the request: acted on once, however often and in whatever
 * order it arrives; a note is recorded, whatever the request is waiting for, and moves nothing.
 */
function receiveSupplierMessage(run: RequestRun, message: SupplierMessage): SupplierMessageReceipt | Promise<SupplierMessageReceipt> {
  const { state } = run;
  const judged = judgeSupplierMessage(state.heard, message);
  if (judged.verdict !== 'accepted') {
    log.info('supplier message recorded without effect', { supplierId: message.supplierId, status: message.status, verdict: judged.verdict });
    return { outcome: judged.verdict, reason: judged.verdict === 'out-of-order' ? judged.reason : undefined, status: state.status };
  }
  state.heard = hear(state.heard, message);
  if (isNote(run, message)) return recordSupplierNote(run, message);
  run.inbox.push(message);
  return { outcome: 'accepted', status: state.status };
}

export function registerHandlers(run: RequestRun): void {
  const { state } = run;
  setHandler(statusQuery, () => state);

  setHandler(supplierMessageUpdate, (message: SupplierMessage) => receiveSupplierMessage(run, message), {
    validator: (message: SupplierMessage) => checkSupplierMessage(state, message),
  });
  setHandler(supplierMessageSignal, (message: SupplierMessage) => {
    if (run.final() || message.supplierId !== currentSupplier(state)) {
      log.warn('supplier message ignored', { supplierId: message.supplierId, status: message.status, requestStatus: state.status });
      return;
    }
    run.inbox.push(message);
  });

  taskUpdate(run, reviewUpdate, 'review', 'review', (answer) => checkReview(state, answer));
  taskUpdate(run, approveCostUpdate, 'approveCost', 'approveCost', checkApproval);
  taskUpdate(run, loanConditionUpdate, 'loanCondition', 'loanCondition', checkApproval);
  taskUpdate(run, searchProxyUpdate, 'searchProxy', 'searchProxy', (answer) => checkSearchProxyAnswer(state, answer));
  taskUpdate(run, receiveUpdate, 'receive', 'receive');
  taskUpdate(run, renewAnswerUpdate, 'renewAnswer', 'renewAnswer', (answer) => checkRenewAnswer(state, answer));
  loanUpdate(run, returnUpdate, 'return');
  loanUpdate(run, renewUpdate, 'renew');
  setHandler(supplierNoteUpdate, (input: SupplierNoteInput) => sendSupplierNote(run, input), {
    validator: (input: SupplierNoteInput) => checkSupplierNote(state, input, run.sendingNote),
  });

  setHandler(
    cancelUpdate,
    async (input: CancelInput) => {
      run.pendingCancel = input;
      await condition(() => state.status === 'cancelled');
      return state;
    },
    { validator: (input: CancelInput) => checkCancel(state, input, run.pendingCancel !== undefined || run.pendingClose !== undefined) },
  );

  // Reached only by requests the centre closes: none of those already running has one in its history.
  setHandler(
    closeUpdate,
    async (input: CloseInput) => {
      run.pendingClose = input;
      // A run that ends otherwise before it reaches a wait (the rota exhausted) answers with how it ended.
      await condition(() => run.final() && !run.closing);
      return state;
    },
    { validator: (input: CloseInput) => checkClose(state, input, run.pendingClose !== undefined || run.pendingCancel !== undefined) },
  );
}
