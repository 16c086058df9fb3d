import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Citation } from '../../domain/request';
import { eventually } from '../../test/eventually';
import { startTestService, type TestService } from '../../test/service';
import { REQUEST_FORM } from './routes/openurl';

// How requests come in: OpenURL links from discovery systems read into drafts, and a reader's new
// request checked against their open ones (the same document twice, the library's cap).

const root = path.resolve(__dirname, '../..');
const configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-config-'));
let app: TestService;
let serial = 0;

/** A request of a reader of a library whose librarians review every request, so it stays open. */
const ask = (libraryId: string, patronId: string, citation: Citation) => ({
  id: `intake-${process.pid}-${++serial}`,
  requester: { libraryId, patronId },
  service: 'copy' as const,
  urgency: 'normal' as const,
  citation,
});
const history: Citation = { title: '中國近代史綱要', journalTitle: '歷史研究', issn: '0459-1909', year: 2019, language: 'zh' };
const storedOf = async (patronId: string) => (await app.service.database.db('requests').where({ patron_id: patronId }).select('id')).map((row) => row.id as string);

const LINK =
  'url_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article&rft.atitle=Global+burden+of+disease+study' +
  '&rft.jtitle=The+Lancet&rft.issn=01406736&rft.date=2020-10-17&rft.volume=396&rft.spage=1204&rft.epage=1222&rft.isbn=0306406153&rfr_id=info%3Asid%2Fcalis.edu.cn';

beforeAll(async () => {
  cpSync(path.join(root, 'config'), configDir, { recursive: true });
  const policy = path.join(configDir, 'policy.yaml');
  // xtu and gxnu review every request; xtu allows its readers fewer open requests than the network.
  writeFileSync(policy, readFileSync(policy, 'utf8').replace('openRequestsPerReader: 30', 'openRequestsPerReader: 3').replace('    pku: 50', '    xtu: 2'));
  app = await startTestService({ ILL_CONFIG_DIR: configDir });
});

afterAll(async () => {
  await app?.service.stop();
});

describe('GET /openurl', () => {
  const get = (query: string, accept?: string) => fetch(`${app.service.url}/openurl?${query}`, { redirect: 'manual', headers: accept ? { accept } : {} });

  it('answers the draft as JSON, without a token, when the client asks for JSON', async () => {
    const before = await app.service.database.db('requests').count<{ count: string }[]>({ count: '*' });
    for (const response of [await get(LINK, 'application/json'), await get(`${LINK}&format=json`, 'text/html')]) {
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        citation: {
          documentType: 'article',
          title: 'Global burden of disease study',
          journalTitle: 'The Lancet',
          issn: '0140-6736',
          year: 2020,
          volume: '396',
          pages: '1204-1222',
        },
        service: 'copy',
        problems: [{ key: 'rft.isbn', message: 'ISBN 0306406153 has a wrong check digit (2 expected)' }],
        source: { openurl: '1.0', referrer: 'info:sid/calis.edu.cn' },
      });
    }
    expect(await app.service.database.db('requests').count<{ count: string }[]>({ count: '*' })).toEqual(before);
  });

  it("sends a browser to the workbench's request form with the draft in its address", async () => {
    const response = await get(LINK, 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location.startsWith(REQUEST_FORM)).toBe(true);
    const draft = JSON.parse(Buffer.from(location.slice(REQUEST_FORM.length), 'base64url').toString('utf8'));
    expect(draft).toEqual(await (await get(LINK, 'application/json')).json());

    // The reader confirms the draft as it stands.
    const request = { ...ask('xtu', 'r-openurl', draft.citation), service: draft.service };
    expect((await app.call('POST', '/api/requests', await app.token('reader', 'xtu', 'r-openurl'), request)).status).toBe(201);
  });

  it.each([
    ['rft.atitle=%D6%D0%B9%FA&rft.jtitle=Nature', 'rft.atitle'],
    ['url_ver=Z39.88-1999&rft.atitle=A', 'url_ver'],
    ['rft.volume=3', 'rft.atitle'],
    ['rft.atitle=A&format=xml', 'format'],
  ])('refuses %s with 400 naming %s', async (query, key) => {
    const response = await get(query, 'application/json');
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; problems: { path: string }[] } };
    expect(error.message).toContain(key);
    expect(error.problems).toEqual([expect.objectContaining({ path: `/query/${key}` })]);
  });
});

describe('the same document asked for twice', () => {
  it('is refused naming the open request, taken when confirmed, and a retry of the first is no duplicate', async () => {
    const reader = await app.token('reader', 'xtu', 'r-twice');
    const first = ask('xtu', 'r-twice', history);
    expect((await app.call('POST', '/api/requests', reader, first)).status).toBe(201);
    expect((await app.call('POST', '/api/requests', reader, first)).status).toBe(200);

    const again = ask('xtu', 'r-twice', { title: '中国近代史纲要', year: 2019 });
    const refused = await app.call('POST', '/api/requests', reader, again);
    expect(refused).toEqual({
      status: 409,
      body: { error: { status: 409, code: 'duplicate', message: expect.stringContaining(`has request ${first.id} open for this document (the same title)`), duplicateOf: first.id } },
    });
    expect(refused.body.error.message).toContain('?duplicate=confirm');
    expect(await storedOf('r-twice')).toEqual([first.id]);

    expect((await app.call('POST', '/api/requests?duplicate=yes', reader, again)).status).toBe(400);
    expect((await app.call('POST', '/api/requests?duplicate=confirm', reader, again)).status).toBe(201);
    expect((await storedOf('r-twice')).sort()).toEqual([first.id, again.id].sort());
  });

  it('is taken once when the reader sends it twice at the same moment, from two discovery systems', async () => {
    const reader = await app.token('reader', 'xtu', 'r-at-once');
    const copies = [ask('xtu', 'r-at-once', history), ask('xtu', 'r-at-once', history)];
    const answers = await Promise.all(copies.map((copy) => app.call('POST', '/api/requests', reader, copy)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(await storedOf('r-at-once')).toHaveLength(1);
  });

  it('is refused to a librarian asking for the reader too', async () => {
    const first = ask('gxnu', 'r-librarian', { title: 'Global burden of disease study', issn: '0140-6736', volume: '396', pages: '1204-1222' });
    const librarian = await app.token('librarian', 'gxnu');
    expect((await app.call('POST', '/api/requests', librarian, first)).status).toBe(201);
    const again = await app.call('POST', '/api/requests', librarian, ask('gxnu', 'r-librarian', { title: 'GBD 2019', issn: '0140-6736', volume: '396', pages: '1204–1222' }));
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'duplicate', duplicateOf: first.id, message: expect.stringContaining('the same ISSN, volume and pages') } } });
  });

  it('is taken once the first is cancelled', async () => {
    const reader = await app.token('reader', 'xtu', 'r-cancel');
    const first = ask('xtu', 'r-cancel', history);
    expect((await app.call('POST', '/api/requests', reader, first)).status).toBe(201);
    const again = ask('xtu', 'r-cancel', history);
    expect((await app.call('POST', '/api/requests', reader, again)).body.error.duplicateOf).toBe(first.id);

    expect((await app.call('POST', `/api/requests/${first.id}/cancel`, reader, { reason: 'found it on the shelf' })).status).toBe(200);
    // The audit trail records the cancellation just after the workflow takes it.
    const taken = await eventually(
      () => app.call('POST', '/api/requests', reader, again),
      (answer) => answer.status !== 409,
      (answer) => `still refused: ${JSON.stringify(answer.body)}`,
    );
    expect(taken.status).toBe(201);
  });
});

describe("a reader's cap on open requests", () => {
  const fill = async (libraryId: string, patronId: string, token: string, count: number) => {
    const asked = Array.from({ length: count }, (_, n) => ask(libraryId, patronId, { title: `Document ${n} of ${patronId}` }));
    for (const request of asked) expect((await app.call('POST', '/api/requests', token, request)).status).toBe(201);
    return asked;
  };

  it("holds a reader to the network's cap, naming it, and stores nothing past it", async () => {
    const reader = await app.token('reader', 'gxnu', 'r-network-cap');
    await fill('gxnu', 'r-network-cap', reader, 3);
    const refused = await app.call('POST', '/api/requests', reader, ask('gxnu', 'r-network-cap', { title: 'One more' }));
    expect(refused).toEqual({
      status: 409,
      body: {
        error: {
          status: 409,
          code: 'quota',
          message: 'reader r-network-cap of gxnu has 3 requests open, the most the network allows a reader of gxnu (3); one must end before another is taken',
          quota: { libraryId: 'gxnu', openRequestsPerReader: 3, setBy: 'network', open: 3 },
        },
      },
    });
    expect(await storedOf('r-network-cap')).toHaveLength(3);
    // Confirming a duplicate does not lift the cap.
    expect((await app.call('POST', '/api/requests?duplicate=confirm', reader, ask('gxnu', 'r-network-cap', { title: 'One more' }))).status).toBe(409);
    // Another reader of the library is not held to this one's requests.
    expect((await app.call('POST', '/api/requests', await app.token('reader', 'gxnu', 'r-other'), ask('gxnu', 'r-other', { title: 'One more' }))).status).toBe(201);
  });

  it("holds a library's readers to its own cap, librarians submitting for them included", async () => {
    const librarian = await app.token('librarian', 'xtu');
    const [first] = await fill('xtu', 'r-library-cap', librarian, 2);
    const refused = await app.call('POST', '/api/requests', librarian, ask('xtu', 'r-library-cap', { title: 'One more' }));
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { message: expect.stringContaining('the most xtu allows its readers (2)'), quota: { libraryId: 'xtu', openRequestsPerReader: 2, setBy: 'library', open: 2 } } },
    });
    const centre = await app.token('administrator', 'centre');
    expect((await app.call('POST', '/api/requests', centre, ask('xtu', 'r-library-cap', { title: 'One more' }))).status).toBe(409);
    expect(await storedOf('r-library-cap')).toHaveLength(2);
    // A client retrying a request it sent before is answered as before, cap or no cap.
    expect((await app.call('POST', '/api/requests', librarian, first)).status).toBe(200);
  });
});
