// Requests as readers and discovery systems send them: the vocabulary every part of the engine speaks.
import type { HoldingRef } from './holdings';

export type Service = 'copy' | 'loan' | 'ebook';
export type Urgency = 'normal' | 'rush' | 'express';
/** What kind of document is asked for: suppliers and copyright terms differ between them. */
export type DocumentType = 'article' | 'chapter' | 'book' | 'thesis' | 'conference-paper' | 'standard' | 'patent';

export interface Money {
  amount: number;
  currency: string;
}

export interface Citation {
  documentType?: DocumentType;
  title?: string;
  authors?: string[];
  journalTitle?: string;
  issn?: string;
  isbn?: string;
  doi?: string;
  year?: number;
  volume?: string;
  issue?: string;
  pages?: string;
  /** ISO 639-1 code, for example `zh`, `en`, `ko`. */
  language?: string;
  subjects?: string[];
}

/** A request as the API, the `ill route` command and discovery systems hand it to the engine. */
export interface IllRequest {
  id: string;
  /** `email`: where the reader is told of their request; absent, their library's reader-mail domain gives one, if it has one. */
  requester: { libraryId: string; patronId: string; email?: string };
  service: Service;
  citation: Citation;
  urgency: Urgency;
  maxCost?: Money;
  /** Libraries known to hold the item, by id or with their record of it; absent means the holdings lookup is asked. */
  holdings?: HoldingRef[];
}
