import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequest, startTestService, type TestService } from '../../test/service';
import type { RequestState } from '../../domain/request-state';
import { readersState, withoutWhy } from './reader-view';

// What a reader is told of a try that failed: that it failed, never the words of the adapter, which
// name the supplier's endpoint, host and the variable its credentials are read from.

const root = path.resolve(__dirname, '../..');
const configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-reader-view-'));
/** A credential variable nobody sets: the adapter names it when it finds it missing. */
const UNSET = 'ILL_TEST_WANFANG_TOKEN_NEVER_SET';
let app: TestService;
let refusing: Server;
let endpoint: string;

beforeAll(async () => {
  // CNKI's system refuses every order for good, so the send fails at once with its endpoint in the error.
  refusing = createServer((_request, response) => {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'we do not take orders from this network' }));
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/vendor/cnki`;
  cpSync(path.join(root, 'config'), configDir, { recursive: true });
  const vendors = path.join(configDir, 'suppliers/vendors.yaml');
  writeFileSync(
    vendors,
    readFileSync(vendors, 'utf8')
      .replace('    endpoint: http://127.0.0.1:3100/vendor/cnki\n', `    endpoint: ${endpoint}\n`)
      .replace('    endpoint: http://127.0.0.1:3100/vendor/wanfang\n', `    endpoint: http://127.0.0.1:3100/vendor/wanfang\n    auth: { type: bearer, tokenEnv: ${UNSET} }\n`),
  );
  // The adapters the service builds itself, which reach the suppliers' systems.
  app = await startTestService({ ILL_CONFIG_DIR: configDir }, {});
});

afterAll(async () => {
  await app?.service.stop();
  await new Promise((resolve) => refusing?.close(resolve));
});

describe('a request whose sends failed', () => {
  it('tells its reader that the tries failed but not why, and its librarian the class of each failure', async () => {
    const request = sampleRequest('chinese-article-ppv', `reader-view-${process.pid}`);
    const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
    expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
    const librarian = await app.token('librarian', request.requester.libraryId);
    // The tries are indexed as each send fails, the audit trail written beside: both are waited for.
    const sendsFailed = (body: { auditTrail?: { detail: { event?: string } }[] }) => (body.auditTrail ?? []).filter((entry) => entry.detail.event === 'send-failed').length;
    const staffView = await app.until(request.id, librarian, (body) => body.tried?.length >= 2 && sendsFailed(body) >= 2);
    expect(staffView.tried.slice(0, 2)).toEqual([
      { supplierId: 'cnki', outcome: 'send-failed', reason: 'rejected', at: expect.any(String) },
      { supplierId: 'wanfang', outcome: 'send-failed', reason: 'no-credentials', at: expect.any(String) },
    ]);
    expect(staffView.auditTrail.filter((entry: { detail: { event?: string } }) => entry.detail.event === 'send-failed').map((entry: { detail: unknown }) => entry.detail)).toEqual(
      expect.arrayContaining([expect.objectContaining({ supplierId: 'cnki', reason: 'rejected' }), expect.objectContaining({ supplierId: 'wanfang', reason: 'no-credentials' })]),
    );

    const { status, body } = await app.call('GET', `/api/requests/${request.id}`, reader);
    expect(status).toBe(200);
    expect(body.tried.slice(0, 2)).toEqual([
      { supplierId: 'cnki', outcome: 'send-failed', at: expect.any(String) },
      { supplierId: 'wanfang', outcome: 'send-failed', at: expect.any(String) },
    ]);
    const failed = [...body.history, ...body.auditTrail.map((entry: { detail: unknown }) => entry.detail)].filter((facts) => facts.event === 'send-failed');
    expect(failed.length).toBeGreaterThanOrEqual(4);
    for (const facts of failed) expect(facts).not.toHaveProperty('reason');
    const seen = JSON.stringify(body);
    for (const secret of [endpoint, '127.0.0.1', '/vendor/', UNSET, 'credential', 'HTTP 400']) expect(seen).not.toContain(secret);
  });
});

describe('the facts a reader is not told', () => {
  it('leaves out the reason and note of a failed call, and of one recorded before entries carried events', () => {
    expect(withoutWhy({ event: 'note-not-sent', supplierId: 'nlc', reason: 'unreachable', note: 'the note could not be sent: unreachable' })).toEqual({ event: 'note-not-sent', supplierId: 'nlc' });
    expect(withoutWhy({ supplierId: 'nstl', note: 'could not send: POST http://nstl.example/ill: HTTP 500' })).toEqual({ supplierId: 'nstl' });
    expect(withoutWhy({ supplierId: 'nlc', note: 'could not tell nlc of the close: connect ECONNREFUSED 10.0.0.1:80' })).toEqual({ supplierId: 'nlc' });
  });

  it('keeps what suppliers said and what people wrote, in the history and the tries', () => {
    const said = { event: 'supplier-status', supplierId: 'nlc', supplierStatus: 'Unfilled', reason: 'NotOnShelf', note: 'Unfilled: NotOnShelf' } as const;
    expect(withoutWhy(said)).toEqual(said);
    expect(withoutWhy({ supplierId: 'nlc', note: 'Unfilled: NotOnShelf' })).toEqual({ supplierId: 'nlc', note: 'Unfilled: NotOnShelf' });
    const tried = [
      { supplierId: 'nlc', outcome: 'unfilled', reason: 'NotOnShelf', at: '2026-12-07T08:00:00Z' },
      { supplierId: 'nstl', outcome: 'send-failed', reason: 'POST http://nstl.example/ill: HTTP 500', at: '2026-12-07T09:00:00Z' },
    ] as const;
    const state = { requestId: 'r-1', history: [], tasks: [{ id: 't-1', detail: { tried } }], tried } as unknown as RequestState;
    const seen = readersState(state);
    expect(seen.tried).toEqual([tried[0], { supplierId: 'nstl', outcome: 'send-failed', at: '2026-12-07T09:00:00Z' }]);
    expect(seen.tasks[0]!.detail.tried).toEqual(seen.tried);
  });
});
