import { mkdtempSync, renameSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigCopy } from '../../rules/config-fixture';
import { sampleRequest, startTestService, type TestService } from '../../test/service';
import { runCheck } from '../cli/check';

// The administrator's configuration pages' API, on a copy of the shipped configuration: reading the
// files, checking a draft as `ill check` does, comparing it with the version in force over the
// requests the store holds, publishing it, and the history of what was published.

const copy = new ConfigCopy();
let app: TestService;
let admin: string;

const PREFERENCES = 'rules/preferences.yaml';
/** The shipped rule that ranks a library's preferred suppliers higher, made to rank them last. */
const preferredLast = () => copy.read(PREFERENCES).replace('params: { add: 0.15, reason: preferred by the requesting library }', 'params: { add: -100, reason: preferred by the requesting library }');
/** An operator that does not exist, in a rule file. */
const mistaken = () => copy.read(PREFERENCES).replace('path: $.preferred, operator: equal,', 'path: $.preferred, operator: equalz,');

/** What `ill check` prints for the directory with `relative` replaced, relative to it. */
async function illCheck(relative: string, text: string): Promise<string[]> {
  const draft = new ConfigCopy();
  try {
    draft.write(relative, text);
    let out = '';
    await runCheck(['--config', draft.dir], { stdout: { write: (chunk: string) => (out += chunk) }, stderr: { write: () => true } });
    return out
      .split('\n')
      .filter((line) => line.startsWith(draft.dir))
      .map((line) => line.replaceAll(`${draft.dir}/`, ''));
  } finally {
    draft.remove();
  }
}

beforeAll(async () => {
  // A link the loader follows, to a sound file outside the directory: not one the API edits.
  const outside = join(mkdtempSync(join(tmpdir(), 'ill-outside-')), 'licences.yaml');
  renameSync(join(copy.dir, 'licences.yaml'), outside);
  symlinkSync(outside, join(copy.dir, 'licences.yaml'));
  app = await startTestService({ ILL_CONFIG_DIR: copy.dir });
  admin = await app.token('administrator', 'calis');
}, 120_000);

afterAll(async () => {
  await app?.service.stop();
  copy.remove();
});

describe('the configuration files', () => {
  it('lists the files administrators edit, each with its schema, and the version in force; links and other files are not among them', async () => {
    const { status, body } = await app.call('GET', '/api/admin/config/files', admin);
    expect(status).toBe(200);
    expect(body.version).toMatch(/^sha256:/);
    expect(body.files).toContainEqual({ path: PREFERENCES, schema: 'rules' });
    expect(body.files).toContainEqual({ path: 'policy.yaml', schema: 'policy' });
    expect(body.files).toContainEqual({ path: 'requests/ebook-calis.json', schema: 'request' });
    const paths = body.files.map((file: { path: string }) => file.path);
    expect(paths).not.toContain('licences.yaml');
    expect(paths).not.toContain('README.md');
    expect(paths.some((path: string) => path.startsWith('schemas/') || path.startsWith('titles/'))).toBe(false);
  });

  it('reads a file as it is written', async () => {
    const { status, body } = await app.call('GET', `/api/admin/config/file?path=${encodeURIComponent(PREFERENCES)}`, admin);
    expect(status).toBe(200);
    expect(body).toMatchObject({ path: PREFERENCES, schema: 'rules', text: copy.read(PREFERENCES) });
  });

  it.each([
    ['../package.json', 400],
    ['/etc/passwd', 400],
    ['rules/../../package.json', 400],
    ['rules\\..\\x.yaml', 400],
    ['licences.yaml', 404],
    ['titles/cnki.txt', 404],
    ['schemas/rules.schema.json', 404],
    ['rules/none.yaml', 404],
  ])('refuses %s: not a file of the directory it edits', async (path, status) => {
    const answer = await app.call('GET', `/api/admin/config/file?path=${encodeURIComponent(path)}`, admin);
    expect(answer.status).toBe(status);
    expect(answer.body.text).toBeUndefined();
  });

  it('is for administrators only', async () => {
    for (const role of ['librarian', 'reader', 'supplier', 'search-proxy'] as const) {
      const token = await app.token(role, 'pku');
      expect((await app.call('GET', '/api/admin/config/files', token)).status).toBe(403);
      expect((await app.call('POST', '/api/admin/config/check', token, { files: { [PREFERENCES]: mistaken() } })).status).toBe(403);
      expect((await app.call('POST', '/api/admin/config/publish', token, { files: { [PREFERENCES]: preferredLast() }, basedOn: 'x', note: 'n' })).status).toBe(403);
    }
  });
});

describe('checking a draft', () => {
  it('finds the problems ill check finds, at their file, line and column relative to the directory', async () => {
    const { status, body } = await app.call('POST', '/api/admin/config/check', admin, { files: { [PREFERENCES]: mistaken() } });
    expect(status).toBe(200);
    expect(body.version).toBeUndefined();
    const lines = body.problems.map(({ file, line, column, message }: Record<string, unknown>) => `${file}:${line}:${column}: ${message}`);
    expect(lines).toEqual(await illCheck(PREFERENCES, mistaken()));
    expect(body.problems[0]).toMatchObject({ file: PREFERENCES, line: Number(copy.at(PREFERENCES, 'path: $.preferred, operator: equal,').split(':')[1]) });
    // Nothing was written.
    expect(copy.read(PREFERENCES)).not.toContain('equalz');
  });

  it('answers the draft’s version when it has no problem', async () => {
    const { body } = await app.call('POST', '/api/admin/config/check', admin, { files: { [PREFERENCES]: preferredLast() } });
    expect(body.problems).toEqual([]);
    expect(body.version).toMatch(/^sha256:/);
    expect(body.version).not.toBe((await app.call('GET', '/api/admin/config', admin)).body.version);
  });

  it('refuses a path that is not an editable file, naming it, and a body too large', async () => {
    const { status, body } = await app.call('POST', '/api/admin/config/check', admin, { files: { '../policy.yaml': 'x' } });
    expect(status).toBe(400);
    expect(body.error.problems).toEqual([{ path: '/body/files/..~1policy.yaml', message: 'is not a file of the configuration directory an administrator edits' }]);
    const large = await app.call('POST', '/api/admin/config/check', admin, { files: { [PREFERENCES]: 'x'.repeat(3_000_000) } });
    expect(large.status).toBe(413);
  });
});

describe('comparing, publishing and the history', () => {
  it('compares a draft with the version in force over recent requests, refuses one with problems, then publishes it once', async () => {
    const request = sampleRequest('chinese-article-ppv', `admin-${process.pid}`);
    const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
    expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
    const routed = await app.until(request.id, reader, (body) => body.decision !== undefined);
    // The explanation names the files it read relative to the configuration directory.
    const explanation = JSON.stringify((await app.call('GET', `/api/requests/${request.id}`, admin)).body);
    expect(explanation).toMatch(/from (rules|suppliers|libraries)\/[a-z-]+\.yaml:\d+/);
    expect(explanation).not.toContain(copy.dir);
    expect(explanation).not.toMatch(/from \//);
    expect(routed.decision).toBeDefined();

    const inForce = (await app.call('GET', '/api/admin/config', admin)).body.version as string;
    const compared = await app.call('POST', '/api/admin/config/compare', admin, { files: { [PREFERENCES]: preferredLast() } });
    expect(compared.status).toBe(200);
    expect(compared.body).toMatchObject({ inForce, requests: 1, compared: 1, changed: 1 });
    const [change] = compared.body.changes;
    expect(change.requestId).toBe(request.id);
    expect(change.firstSupplier.old).not.toBe(change.firstSupplier.new);

    const refused = await app.call('POST', '/api/admin/config/compare', admin, { files: { [PREFERENCES]: mistaken() } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.problems[0]).toMatchObject({ file: PREFERENCES });

    const broken = await app.call('POST', '/api/admin/config/publish', admin, { files: { [PREFERENCES]: mistaken() }, basedOn: inForce, note: 'a typing mistake' });
    expect(broken.status).toBe(422);
    expect(broken.body.error.problems[0]).toMatchObject({ file: PREFERENCES });
    expect(copy.read(PREFERENCES)).not.toContain('equalz');

    const stale = await app.call('POST', '/api/admin/config/publish', admin, { files: { [PREFERENCES]: preferredLast() }, basedOn: 'sha256:earlier', note: 'n' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.version).toBe(inForce);

    const draft = preferredLast();
    const published = await app.call('POST', '/api/admin/config/publish', admin, { files: { [PREFERENCES]: draft }, basedOn: inForce, note: 'preferred suppliers last' });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: compared.body.draft, basedOn: inForce, publishedBy: 'administrator@calis', note: 'preferred suppliers last' });
    expect(published.body.files).toEqual([{ path: PREFERENCES, before: expect.stringContaining('add: 0.15'), after: draft }]);
    expect(copy.read(PREFERENCES)).toBe(draft);
    expect((await app.call('GET', '/api/admin/config', admin)).body.version).toBe(compared.body.draft);

    // The same draft again: the version it published, recorded once.
    const again = await app.call('POST', '/api/admin/config/publish', admin, { files: { [PREFERENCES]: draft }, basedOn: inForce, note: 'preferred suppliers last' });
    expect(again.status).toBe(200);
    expect(again.body.seq).toBe(published.body.seq);
    // Made from the version replaced, a different draft conflicts.
    const late = await app.call('POST', '/api/admin/config/publish', admin, { files: { [PREFERENCES]: mistaken() }, basedOn: inForce, note: 'n' });
    expect(late.status).toBe(409);

    const back = await app.call('POST', '/api/admin/config/publish', admin, { files: { [PREFERENCES]: published.body.files[0].before }, basedOn: compared.body.draft, note: 'back as it was' });
    expect(back.status).toBe(201);
    expect(back.body.version).toBe(inForce);
    const first = await app.call('GET', '/api/admin/config/versions?limit=1', admin);
    expect(first.body.versions.map((version: { note: string }) => version.note)).toEqual(['back as it was']);
    const second = await app.call('GET', `/api/admin/config/versions?limit=1&before=${first.body.next}`, admin);
    expect(second.body.versions.map((version: { note: string }) => version.note)).toEqual(['preferred suppliers last']);
    const all = await app.call('GET', '/api/admin/config/versions', admin);
    expect(all.body.versions.map((version: { seq: number }) => version.seq)).toEqual([back.body.seq, published.body.seq]);
    expect(all.body.next).toBeUndefined();
  });

  it('refuses a draft that changes nothing', async () => {
    const inForce = (await app.call('GET', '/api/admin/config', admin)).body.version as string;
    const answer = await app.call('POST', '/api/admin/config/publish', admin, { files: { [PREFERENCES]: copy.read(PREFERENCES) }, basedOn: inForce, note: 'nothing' });
    expect(answer.status).toBe(422);
  });
});

describe('a large comparison', () => {
  it('lets other calls be answered while it routes thousands of requests', async () => {
    // Ten thousand requests held by the store, as a busy month leaves them (no workflow is needed to compare them).
    const rows = Array.from({ length: 10_000 }, (_, index) => {
      const request = sampleRequest(index % 2 === 0 ? 'chinese-article-ppv' : 'foreign-physics-nstl', `many-${process.pid}-${index}`);
      return { id: request.id, library_id: request.requester.libraryId, patron_id: request.requester.patronId, service: request.service, urgency: request.urgency, body: JSON.stringify(request), workflow_id: `many-${request.id}` };
    });
    for (let at = 0; at < rows.length; at += 500) await app.service.database.db('requests').insert(rows.slice(at, at + 500));

    let comparing = true;
    const compared = app.call('POST', '/api/admin/config/compare', admin, { files: { [PREFERENCES]: preferredLast() }, limit: 10_000 }).finally(() => (comparing = false));
    // Health asked again and again meanwhile. Held for the whole routing, it would be answered once
    // at most, and then as unavailable: its probes' time runs out while the event loop is held.
    let healthy = 0;
    while (comparing) if ((await app.call('GET', '/healthz')).status === 200 && comparing) healthy++;
    expect((await compared).body.compared).toBe(10_000);
    expect(healthy).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
