/** What a reader is told about their request. */
export type ReaderNoticeKind = 'delivered' | 'shipped' | 'reminder' | 'overdue' | 'recalled' | 'unfilled' | 'cancelled';

export interface ReaderNotice {
  /** Unique per notice of a request, so a retried activity tells the reader once. */
  key: string;
  requestId: string;
  patronId: string;
  libraryId: string;
  kind: ReaderNoticeKind;
  detail: Record<string, unknown>;
}
