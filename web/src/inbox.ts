import type { Service } from '../../domain/request';
import type { SupplyStage } from '../../domain/request-state';
import { POLL_MS, usePolled } from './polling';
import { useApi } from './session';

/** One item of `GET /api/tasks`, with the route that answers it. */
export interface InboxItem {
  id: string;
  kind: string;
  requestId?: string;
  lendingId?: string;
  citation: string | null;
  openedAt: string;
  dueAt: string | null;
  overdue: boolean;
  /** The service asked for, and where a request at a supplier stands for it. */
  service?: Service;
  stage?: SupplyStage;
  answer: { method: 'POST'; path: string };
}

export interface InboxPage {
  items: InboxItem[];
  counts: Record<string, number>;
  next?: string;
}

/**
 * A page of the caller's inbox, of the kinds given (none: every kind), asked again whenever `asked`
 * changes and every few seconds unless `every` is null.
 */
export function useInbox(kinds: readonly string[], cursor: string | undefined, asked: string, pageSize: number, every: number | null = POLL_MS): InboxPage | undefined {
  const api = useApi();
  return usePolled(
    async () => {
      const query = new URLSearchParams({ limit: String(pageSize), ...(cursor ? { cursor } : {}) });
      for (const kind of kinds) query.append('kind', kind);
      const answer = await api<InboxPage>('GET', `/api/tasks?${query}`);
      return answer.ok ? answer.body : undefined;
    },
    `${kinds.join(',')}#${cursor ?? ''}#${asked}`,
    every,
  );
}
