/** What a reader is told about their request; `local`: their own library has it, and where. */
export type ReaderNoticeKind = 'local' | 'delivered' | 'shipped' | 'reminder' | 'overdue' | 'recalled' | 'unfilled' | 'cancelled';

export interface ReaderNotice {
  /** Unique per notice of a request, so a retried activity tells the reader once. */
  key: string;
  requestId: string;
  patronId: string;
  libraryId: string;
  kind: ReaderNoticeKind;
  detail: Record<string, unknown>;
}
