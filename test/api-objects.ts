import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Router from '@koa/router';
import type Koa from 'koa';
import { expect } from 'vitest';
import { lendingId } from '../engine/lending';
import { SENDER_TIMINGS } from '../engine/mail/sender';
import type { Database } from '../engine/db/database';
import { fakeIso18626Borrower } from '../simulator/iso18626-borrower';
import { listen } from '../simulator/vendor';
import { eventually } from './eventually';
import { sampleRequest, startTestService, type TestService } from './service';

// The whole service with one object of each kind the API speaks of, belonging to one library, for
// tests that call every route: a request of a reader of pku (cancelled, so decisions on it change
// nothing), and a lending request the National Library's system made of pku.

export const OWN = 'pku';
export const OTHER = 'tsinghua';
/** The reader of OWN whose request it is. */
export const READER = 'p-own';
const NLC = 'ISIL:CN-100000-0';

export interface ApiObjects {
  app: TestService;
  requestId: string;
  lendingId: string;
  /** A request of OWN's reader, valid and new, under an id of its own. */
  newRequest(suffix: string): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startWithObjects(name: string): Promise<ApiObjects> {
  const borrower = fakeIso18626Borrower({ networkUrl: '', agencyId: NLC });
  const borrowerServer = await listen(borrower);
  borrower.answersUrl = `${borrowerServer.url}/iso18626`;
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-api-'));
  cpSync(path.resolve(__dirname, '../config'), configDir, { recursive: true });
  const national = path.join(configDir, 'suppliers/national.yaml');
  writeFileSync(national, readFileSync(national, 'utf8').replace('http://127.0.0.1:3100/iso18626/nlc', borrower.answersUrl));
  const app = await startTestService({ ILL_CONFIG_DIR: configDir });
  borrower.networkUrl = `${app.service.url}/iso18626`;
  await eventually(() => app.call('GET', '/healthz'), (answer) => answer.status === 200, (answer) => `not ready: ${JSON.stringify(answer.body)}`);

  const newRequest = (suffix: string) => ({ ...sampleRequest('korean-article-keris', `${name}-${process.pid}-${suffix}`), requester: { libraryId: OWN, patronId: READER } });
  const librarian = await app.token('librarian', OWN);
  const request = newRequest('cancelled');
  expect((await app.call('POST', '/api/requests', librarian, request)).status).toBe(201);
  // Once routed, so that the cancellation does not wait on routing.
  await app.until(request.id as string, librarian, (body) => !['submitted', 'checking', 'routing'].includes(body.status));
  const cancelled = await app.call('POST', `/api/requests/${request.id}/cancel`, librarian, { reason: 'kept for the API tests' });
  expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);

  const borrowed = `${name}-${process.pid}`;
  const article = { bibliographicInfo: { title: '北京大学学报', titleOfComponent: '燕园考古' }, serviceInfo: { serviceType: 'Copy' as const, requestType: 'New' as const } };
  await borrower.ask('ISIL:CN-PKU', borrowed, article);
  await borrower.heard(borrowed, 1);
  return {
    app,
    requestId: request.id as string,
    lendingId: lendingId(NLC, borrowed),
    newRequest,
    stop: async () => {
      await app.service.stop();
      await borrowerServer.close();
    },
  };
}

/** Every method and path the app answers, as its routers' layers have them (`GET /api/requests/:id`). */
export function answeredRoutes(app: Koa): string[] {
  const routers = app.middleware.map((middleware) => (middleware as { router?: Router }).router).filter((router): router is Router => router !== undefined);
  const routes = routers.flatMap((router) => router.stack.flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${layer.path}`)));
  return [...new Set(routes)].sort();
}

/**
 * What the store holds, table by table, as one text per table: any row added, removed or changed
 * changes it. Rows are compared as text, in order, so the fingerprint does not depend on how they were read.
 */
export async function storeFingerprint(database: Database): Promise<Record<string, string>> {
  const { rows: tables } = await database.db.raw<{ rows: { table_name: string }[] }>(
    "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name",
  );
  const prints: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const { rows } = await database.db.raw<{ rows: { rows: string | number; print: string | null }[] }>(
      `select count(*) as rows, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as print from ?? t`,
      [table],
    );
    prints[table] = `${rows[0]!.rows}:${rows[0]!.print}`;
  }
  return prints;
}

/**
 * The fingerprint once the service has stopped writing (a cancelled request's last notices, a lending
 * request's first answer, readers' mail marked sent): the same over longer than the mail sender's poll.
 */
export async function settledFingerprint(database: Database): Promise<Record<string, string>> {
  let last = await storeFingerprint(database);
  for (let tries = 0; tries < 10; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 2 * SENDER_TIMINGS.pollMs + 500));
    const now = await storeFingerprint(database);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error('the store kept changing');
}
