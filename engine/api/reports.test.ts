import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequest, startTestService, type TestService } from '../../test/service';

// The reports through the HTTP API: a request filled by its supplier counts in its library's
// figures, each library sees only its own, and a spreadsheet gets CSV.

let app: TestService;
const since = new Date().toISOString();

beforeAll(async () => {
  app = await startTestService();
});

afterAll(async () => {
  await app?.service.stop();
});

describe('reports', () => {
  it('count a request its supplier filled in its library, turnaround and volumes, and only for those who may see them', async () => {
    const request = sampleRequest('chinese-article-ppv', `reports-${process.pid}`);
    const library = request.requester.libraryId;
    const reader = await app.token('reader', library, request.requester.patronId);
    expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
    const sent = await app.until(request.id, reader, (body) => body.status === 'with-supplier' && body.supplier !== undefined);
    const supplierId = sent.supplier.id as string;
    const filled = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, await app.token('supplier', supplierId), {
      supplierId,
      status: 'CopyCompleted',
      deliveryUrl: 'https://example.org/copy.pdf',
    });
    expect(filled.status).toBe(202);
    await app.until(request.id, reader, (body) => body.status === 'delivered');

    const librarian = await app.token('librarian', library);
    const query = `from=${encodeURIComponent(since)}`;
    const fillRate = await app.call('GET', `/api/reports/fill-rate?${query}`, librarian);
    expect(fillRate).toMatchObject({ status: 200, body: { report: 'fill-rate', rows: [{ requests: 1, filled: 1, unfilled: 0, open: 0, fillRate: 1 }] } });
    const turnaround = await app.call('GET', `/api/reports/turnaround?${query}&by=supplier,service`, librarian);
    expect(turnaround.body.rows).toEqual([{ supplier: supplierId, service: 'copy', filled: 1, medianHours: expect.any(Number), p90Hours: expect.any(Number) }]);
    expect(turnaround.body.rows[0].medianHours).toBeLessThan(1);

    // The centre sees every library; another library's librarian sees none of this one's.
    const admin = await app.token('administrator', 'centre');
    const volumes = await app.call('GET', `/api/reports/volumes?${query}`, admin);
    expect(volumes.body.rows).toContainEqual(expect.objectContaining({ library, requests: 1, filled: 1 }));
    const other = await app.token('librarian', 'pku');
    expect((await app.call('GET', `/api/reports/fill-rate?${query}`, other)).body.rows).toEqual([expect.objectContaining({ requests: 0, fillRate: null })]);
    expect((await app.call('GET', `/api/reports/fill-rate?${query}&library=${library}`, other)).status).toBe(403);
    for (const role of ['reader', 'supplier', 'search-proxy'] as const) {
      expect((await app.call('GET', '/api/reports/fill-rate', await app.token(role, library))).status).toBe(403);
    }
    expect((await app.call('GET', '/api/reports/unfilled-reasons')).status).toBe(401);
  });

  it('answers CSV to a spreadsheet, with a header and quoted fields', async () => {
    const admin = await app.token('administrator', 'centre');
    const response = await fetch(`${app.service.url}/api/reports/volumes?by=library,month`, { headers: { authorization: `Bearer ${admin}`, accept: 'text/csv' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('volumes.csv');
    const [header, ...lines] = (await response.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(header).toBe('library,month,requests,filled,unfilled,cancelled,rejected,open,fillRate');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => /^[a-z0-9-]+,\d{4}-\d{2},\d+,/.test(line))).toBe(true);
  });

  it('refuses a breakdown or a date it does not know, naming the field', async () => {
    const admin = await app.token('administrator', 'centre');
    const by = await app.call('GET', '/api/reports/turnaround?by=colour', admin);
    expect(by.status).toBe(400);
    expect(by.body.error.problems[0].path).toBe('/query/by/0');
    // A date without its time, and a leap second no JavaScript date can hold, are both refused.
    for (const from of ['2026-11-01', '2026-12-31T23:59:60Z']) {
      const date = await app.call('GET', `/api/reports/fill-rate?from=${from}`, admin);
      expect(date.status, from).toBe(400);
      expect(date.body.error.problems[0].path).toBe('/query/from');
    }
    const search = await app.call('GET', '/api/requests?submittedFrom=2026-12-31T23:59:60Z', admin);
    expect(search.body.error).toMatchObject({ status: 400, problems: [{ path: '/query/submittedFrom' }] });
    const stray = await app.call('GET', '/api/reports/fill-rate?colour=red', admin);
    expect(stray.body.error).toMatchObject({ status: 400, problems: [{ path: '/query/colour', message: 'is not a field this route takes' }] });
  });
});
