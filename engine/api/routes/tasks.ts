import Router from '@koa/router';
import { TASK_TYPES, type TaskType } from '../../../domain/request-state';
import type { InboxItem, RequestStore } from '../../store/store';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';
import { cursorPage } from '../input';

export interface TaskRoutesDeps {
  store: RequestStore;
  now?: () => Date;
}

/**
 * Besides the workflow's tasks, a supplier's inbox has the requests waiting at its library
 * (`supply`: it answers with a supplier message) and lending requests from outside borrowers
 * awaiting its answer (`lendingAnswer`).
 */
const INBOX_KINDS = [...TASK_TYPES, 'supply', 'lendingAnswer'] as const;
type InboxKind = (typeof INBOX_KINDS)[number];

/** The decision route that answers each kind of item. */
const ANSWERED_BY: Record<TaskType, string> = {
  review: 'review',
  approveCost: 'approve-cost',
  loanCondition: 'loan-condition',
  searchProxy: 'search-proxy-answer',
  receive: 'receive',
  renewAnswer: 'renew-answer',
};

function answerOf(item: InboxItem): { method: 'POST'; path: string } {
  if (item.lendingId) return { method: 'POST', path: `/api/lending/${encodeURIComponent(item.lendingId)}/answer` };
  const action = item.kind === 'supply' ? 'supplier-messages' : ANSWERED_BY[item.kind as TaskType];
  return { method: 'POST', path: `/api/requests/${encodeURIComponent(item.requestId!)}/${action}` };
}

/** The caller's inbox: what waits for a librarian, a supplier, search-proxy staff or the centre. */
export function taskRoutes({ store, now = () => new Date() }: TaskRoutesDeps): Routes {
  return new Routes(new Router<AuthState>()).add<{ kind?: InboxKind[]; limit: number; cursor?: string }>(
    {
      method: 'get',
      path: '/api/tasks',
      summary: 'List my tasks',
      roles: ['librarian', 'supplier', 'search-proxy', 'administrator'],
      query: {
        type: 'object',
        additionalProperties: false,
        properties: { kind: { type: 'array', items: { enum: INBOX_KINDS }, minItems: 1, uniqueItems: true }, ...cursorPage(200) },
      },
      responses: {
        200: {
          description:
            'Overdue items first, then by due time; how many of each kind wait; `next` when there are more. Each item names the service asked for and, waiting at a supplier, its `stage`: `asked` to supply, or `returned` by the borrower.',
        },
      },
    },
    async (ctx, { query }) => {
      const { role, libraryId } = ctx.state.caller;
      const at = now();
      const inbox = await store.inbox({ role, libraryId }, { kinds: query.kind, limit: query.limit, cursor: query.cursor, now: at });
      ctx.body = {
        items: inbox.items.map((item) => ({
          id: item.key,
          taskId: item.taskId,
          kind: item.kind,
          ...(item.requestId ? { requestId: item.requestId } : {}),
          ...(item.lendingId ? { lendingId: item.lendingId } : {}),
          citation: item.title ?? null,
          openedAt: item.openedAt,
          dueAt: item.dueAt ?? null,
          overdue: item.overdue,
          escalated: item.escalated,
          ...(item.service ? { service: item.service } : {}),
          ...(item.stage ? { stage: item.stage } : {}),
          answer: answerOf(item),
        })),
        counts: inbox.counts,
        ...(inbox.next ? { next: inbox.next } : {}),
      };
    },
  );
}
