// The CALIS e-book platform speaking the contract described in adapters/calis-ebooks.ts.
import { fakeSupplier, normal, refusal, type FakeSupplier, type FakeSupplierOptions } from './vendor';

export interface CollectionTitle {
  isbn: string;
  title: string;
}

export interface FakeCalisEbooksOptions extends FakeSupplierOptions {
  /** The books it has: a list, or for a simulated world whether it has a book of this ISBN or title. */
  collection: CollectionTitle[] | ((book: { isbn?: string; title?: string }) => CollectionTitle | undefined);
  /** Where granted downloads are said to be. */
  downloadBase?: string;
  /** The platform's clock, from which grants expire. */
  now?: () => Date;
}

export interface CalisEbooksCounts {
  grants: number;
}

export interface Grant {
  grantId: string;
  isbn: string;
  patronId: string;
  libraryId: string;
  validDays: number;
  expiresAt: string;
}

const DAY_MS = 86_400_000;

/** The platform, with the grants it made, for tests to see what readers were granted and for how long. */
export function fakeCalisEbooks(options: FakeCalisEbooksOptions): FakeSupplier<CalisEbooksCounts> & { readonly issued: Grant[] } {
  const counts: CalisEbooksCounts = { grants: 0 };
  const issued: Grant[] = [];
  const downloadBase = options.downloadBase ?? 'https://ebooks.calis.example/downloads';
  const now = options.now ?? (() => new Date());
  const handler = fakeSupplier(options, counts, ({ method, path, body }) => {
    if (method !== 'POST' || path !== '/grants') return refusal(404, `no route ${method} ${path}`);
    const { isbn, title, patronId, libraryId, validDays } = (body ?? {}) as Record<string, unknown>;
    if (typeof patronId !== 'string' || typeof libraryId !== 'string' || !Number.isInteger(validDays) || (validDays as number) < 1) {
      return refusal(400, 'a grant needs a patronId, a libraryId and a whole number of validDays');
    }
    // The ISBN decides when there is one; a title alone is matched only when no ISBN was given.
    const { collection } = options;
    const book =
      typeof collection === 'function'
        ? collection({ isbn: typeof isbn === 'string' ? isbn : undefined, title: typeof title === 'string' ? title : undefined })
        : collection.find((entry) => (isbn ? normal(entry.isbn) === normal(isbn) : normal(entry.title) === normal(title)));
    if (!book) return refusal(404, 'not in the CALIS e-book collection');
    const grant = {
      grantId: `g-${++counts.grants}`,
      isbn: book.isbn,
      patronId,
      libraryId,
      validDays: validDays as number,
      expiresAt: new Date(now().getTime() + (validDays as number) * DAY_MS).toISOString(),
    };
    issued.push(grant);
    return { status: 201, body: { grantId: grant.grantId, downloadUrl: `${downloadBase}/${grant.grantId}`, expiresAt: grant.expiresAt } };
  });
  return Object.assign(handler, { issued });
}
