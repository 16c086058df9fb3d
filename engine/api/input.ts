import type { Schema } from './contract';

// Lists are newest first, a page at a time: `?limit=` and `?before=`, a page continuing from the `next` of the one before.

export interface Page {
  limit: number;
  before?: number;
}

/** The query of a paged list; `more` are the list's own filters. */
export const pageQuery = (more: Record<string, Schema> = {}): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    before: { type: 'integer', minimum: 1, description: 'The `next` of the page before' },
    ...more,
  },
});

/** A cursor is the `next` of an earlier page, handed back as it came. */
const CURSOR: Schema = { type: 'string', minLength: 1, maxLength: 400, pattern: '^[A-Za-z0-9_-]+$' };

/** The paging fields of a list that pages by an opaque cursor (`?limit=` and `?cursor=`) rather than by `before`. */
export const cursorPage = (maxLimit: number): Record<string, Schema> => ({ limit: { type: 'integer', minimum: 1, maximum: maxLimit, default: 50 }, cursor: CURSOR });

/** A page of a list and where the next one starts: a full page may have more behind it. */
export function paged<T extends { seq?: number }>(items: T[], limit: number, key: string): Record<string, unknown> {
  return { [key]: items, next: items.length === limit ? String(items.at(-1)!.seq) : undefined };
}
