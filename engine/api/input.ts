import type { Context } from 'koa';
import { HttpError } from './http-error';

// What the routes read from a call besides the caller: a JSON body of known fields, and a page.

/** The body as a JSON object with no field but those named; the workflow or route checks the values. */
export function jsonBody(ctx: Context, fields: string[]): Record<string, unknown> {
  const value = ctx.request.body ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'the body must be a JSON object');
  const unknown = Object.keys(value).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw new HttpError(400, `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}${fields.length ? ` (expected ${fields.join(', ')})` : ''}`);
  }
  return value as Record<string, unknown>;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

/** `?limit=` and `?before=`: lists are newest first, and a page continues from the `next` of the one before. */
export function page(query: Record<string, unknown>): { limit: number; before?: number } {
  let limit = DEFAULT_PAGE;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_PAGE}`);
  }
  if (query.before === undefined) return { limit };
  const before = Number(query.before);
  if (!Number.isInteger(before) || before < 1) throw new HttpError(400, 'before must be the next value of an earlier page');
  return { limit, before };
}

/** A page of a list and where the next one starts: a full page may have more behind it. */
export function paged<T extends { seq?: number }>(items: T[], limit: number, key: string): Record<string, unknown> {
  return { [key]: items, next: items.length === limit ? String(items.at(-1)!.seq) : undefined };
}
