import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { configCopies, SHIPPED_CONFIG, type ConfigCopy } from '../../rules/config-fixture';
import type { RouteDecision } from '../../domain/decision';
import { runCli } from '../cli';
import { runRoute } from './route';

const broken = configCopies();
const NOW = '2026-03-02T09:30:00Z';
const SAMPLES = join(SHIPPED_CONFIG, 'requests');
const sample = (name: string) => join(SAMPLES, name);

async function run(args: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
  };
  const code = await runRoute(args, io);
  return { code, stdout, stderr };
}

async function decision(request: string, config = SHIPPED_CONFIG, now = NOW): Promise<RouteDecision> {
  const { code, stdout, stderr } = await run(['--config', config, '--request', request, '--now', now]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as RouteDecision;
}

/** `line:column` of the single `marker` in `text`. */
function at(text: string, marker: string): string {
  expect(text.split(marker)).toHaveLength(2);
  const before = text.slice(0, text.indexOf(marker)).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

/** `FILE:LINE` of the entry written at `marker` in a file of the shipped configuration. */
const source = (relative: string, marker: string) => `${join(SHIPPED_CONFIG, relative)}:${at(readFileSync(join(SHIPPED_CONFIG, relative), 'utf8'), marker).split(':')[0]}`;

const SCRATCH = mkdtempSync(join(tmpdir(), 'ill-route-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

function scratch(name: string, text: string): string {
  const file = join(mkdtempSync(join(SCRATCH, 'case-')), name);
  writeFileSync(file, text);
  return file;
}

/** The sample requests, one compact JSON a line. */
function samplesJsonl(): string[] {
  return readdirSync(SAMPLES)
    .sort()
    .map((name) => JSON.stringify(JSON.parse(readFileSync(sample(name), 'utf8'))));
}

describe('ill route --request', () => {
  test.each([
    ['chinese-article-ppv.json', 'route', 'cnki'],
    ['ebook-calis.json', 'route', 'calis-ebooks'],
    ['korean-article-keris.json', 'route', 'keris'],
    ['express-copy-review.json', 'review', undefined],
    ['rare-escalate.json', 'escalate', undefined],
  ])('%s: outcome %s, first supplier %s', async (name, outcome, first) => {
    const routed = await decision(sample(name));
    expect(routed.requestId).toBe(JSON.parse(readFileSync(sample(name), 'utf8')).id);
    expect(routed.outcome).toBe(outcome);
    if (first) expect(routed.rota[0]?.supplierId).toBe(first);
  });

  test('every sample: scores are the sum of their terms, exclusions name the file and line that caused them', async () => {
    for (const name of readdirSync(SAMPLES)) {
      const routed = await decision(sample(name));
      for (const entry of routed.rota) {
        const sum = Object.values(entry.terms).reduce((total, term) => total + term, 0);
        expect(Math.abs(sum - entry.score), `${name} ${entry.supplierId}`).toBeLessThan(1e-9);
      }
      for (const reason of routed.excluded.flatMap((entry) => entry.reasons)) expect(reason, name).toMatch(/from \S+\.yaml:\d+\)$/);
    }
  });

  test('the shipped coverage: a vendor without the journal in its title list, and sources covering another language or field, are excluded saying so', async () => {
    const routed = await decision(sample('chinese-article-ppv.json'));
    const reasons = Object.fromEntries(routed.excluded.map((entry) => [entry.supplierId, entry.reasons.join('; ')]));
    const vendors = source('suppliers/vendors.yaml', 'id: vip');
    expect(reasons.vip).toBe(`neither holds the item nor covers it: ISSN 0254-4164 is not in its title list titles/vip.txt (builtin:coverage, supplier 'vip', from ${vendors})`);
    expect(reasons.nstl).toMatch(/^neither holds the item nor covers it: does not cover language 'zh': it covers en, de, fr, ja, ru \(builtin:coverage/);
    expect(reasons.cashl).toMatch(/covers none of the subjects computing/);
    expect(routed.rota.map((entry) => entry.supplierId).slice(0, 2)).toEqual(['cnki', 'wanfang']);
    expect(routed.rota[0]?.rules).toContain('builtin:preferred-supplier');
    for (const [id, reason] of Object.entries(reasons)) if (reason.includes('builtin:rota-length')) expect(reason, id).toMatch(/policy escalation.maxRotaLength 5, from \S+policy\.yaml:\d+\)$/);
  });

  test('an express request skips slow and blocked suppliers, saying which rule or policy excluded them', async () => {
    const routed = await decision(sample('express-copy-review.json'));
    expect(routed.tasks.map((task) => task.type)).toContain('review');
    expect(routed.excluded).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          supplierId: 'cuhk',
          reasons: [
            `promised turnaround exceeds the request's deadline (rule 'exclude-too-slow-for-deadline', from ${source('rules/exclusions.yaml', 'name: exclude-too-slow-for-deadline')})`,
          ],
          causes: [expect.objectContaining({ code: 'rule', rule: 'exclude-too-slow-for-deadline', reason: "promised turnaround exceeds the request's deadline" })],
        }),
        expect.objectContaining({
          supplierId: 'ebsco',
          reasons: [
            `blocked by the library's policy (builtin:blocked-supplier, library 'xtu', from ${source('libraries/central.yaml', 'id: xtu')})`,
            `blocked by the requesting library (rule 'exclude-blocked-suppliers', from ${source('rules/exclusions.yaml', 'name: exclude-blocked-suppliers')})`,
          ],
          causes: [expect.objectContaining({ code: 'blocked', libraryId: 'xtu' }), expect.objectContaining({ code: 'rule', rule: 'exclude-blocked-suppliers' })],
        }),
      ]),
    );
  });

  test('prints the decision and nothing else, the same bytes every time', async () => {
    const args = ['--config', SHIPPED_CONFIG, '--request', sample('rare-escalate.json')];
    const first = await run([...args, '--now', NOW]);
    expect(first.code).toBe(0);
    expect((await run([...args, '--now', NOW])).stdout).toBe(first.stdout);
    expect((await run(args)).stdout).toBe((await run(args)).stdout);
    expect(first.stdout).toBe(`${JSON.stringify(JSON.parse(first.stdout), null, 2)}\n`);
    const routed = JSON.parse(first.stdout);
    expect(Object.keys(routed)).toEqual(['rulesetVersion', 'requestId', 'outcome', 'rota', 'excluded', 'tasks', 'deadlineHours', 'ruleSources', 'eta']);
    expect(routed.rulesetVersion).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const entry of routed.rota) expect(Object.keys(entry)).toEqual(['supplierId', 'score', 'terms', 'rules', 'deadline']);
  });

  test('shows the subjects the mapping could not place, and routes by those it could', async () => {
    const written = JSON.parse(readFileSync(sample('foreign-physics-nstl.json'), 'utf8')) as { citation: { subjects: string[] } };
    written.citation.subjects = ['物理學', 'gravitational waves'];
    const routed = await decision(scratch('physics.json', JSON.stringify(written)));
    expect(routed.unmappedSubjects).toEqual(['gravitational waves']);
    expect(routed.rota.find((entry) => entry.supplierId === 'nstl')?.rules).toContain('foreign-sci-tech-to-nstl');
    expect(await decision(sample('foreign-physics-nstl.json'))).not.toHaveProperty('unmappedSubjects');
  });

  test('--now decides which suspensions are in force', async () => {
    expect((await decision(sample('ebook-calis.json'), SHIPPED_CONFIG, '2026-03-02')).rota.map((entry) => entry.supplierId)).toContain('founder');
    const later = await decision(sample('ebook-calis.json'), SHIPPED_CONFIG, '2026-10-15');
    expect(later.rota.map((entry) => entry.supplierId)).not.toContain('founder');
    expect(later.excluded).toContainEqual({
      supplierId: 'founder',
      reasons: [`suspended (2026-10-01 to …) (builtin:supplier-status, supplier 'founder', from ${source('suppliers/vendors.yaml', 'id: founder')})`],
      causes: [{ code: 'suspended', from: '2026-10-01', at: expect.objectContaining({ line: expect.any(Number) }) }],
    });
  });

  test('takes the configuration from ILL_CONFIG_DIR, and the request from stdin as -', async () => {
    const text = readFileSync(sample('loan-same-region.json'), 'utf8');
    const fromFile = await run(['--config', SHIPPED_CONFIG, '--request', sample('loan-same-region.json'), '--now', NOW]);
    let stdout = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: { ILL_CONFIG_DIR: SHIPPED_CONFIG }, stdin: Readable.from([text]) };
    expect(await runRoute(['--request', '-', '--now', NOW], io)).toBe(0);
    expect(stdout).toBe(fromFile.stdout);
  });

  test('a malformed request: FILE:LINE:COLUMN of each mistake on stderr, exit 1', async () => {
    const text = readFileSync(sample('loan-same-region.json'), 'utf8');
    const unparsable = text.replace('"service": "loan",', '"service": "loan"');
    const file = scratch('unparsable.json', unparsable);
    expect(await run(['--config', SHIPPED_CONFIG, '--request', file])).toEqual({
      code: 1,
      stdout: '',
      stderr: `${file}:${at(unparsable, '"citation"')}: YAML syntax error: Missing , between flow map items\n`,
    });

    const invalid = text.replace('"year": 1986', '"year": "1986"').replace('"urgency": "normal"', '"urgency": "soon"');
    expect(await run(['--config', SHIPPED_CONFIG, '--request', '-'], invalid)).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        `<stdin>:${at(invalid, '"1986"')}: 'citation.year' must be integer, found '1986'`,
        `<stdin>:${at(invalid, '"soon"')}: 'urgency' cannot be 'soon' (expected one of: normal, rush, express)`,
        '',
      ].join('\n'),
    });
  });

  test('a requester that is not a member: located at /requester/libraryId, exit 1', async () => {
    const text = readFileSync(sample('loan-same-region.json'), 'utf8').replace('"libraryId": "hunnu"', '"libraryId": "hunnuu"');
    const file = scratch('stranger.json', text);
    expect(await run(['--config', SHIPPED_CONFIG, '--request', file])).toEqual({
      code: 1,
      stdout: '',
      stderr: `${file}:${at(text, '"hunnuu"')}: unknown library 'hunnuu' (did you mean 'hunnu'?)\n`,
    });
  });

  test("--now an instant gives each rota supplier's deadline in its working hours and as an instant", async () => {
    // 14:00 on 30 September 2026 in Beijing, the eve of the National Day holiday.
    const routed = await decision(sample('foreign-physics-nstl.json'), SHIPPED_CONFIG, '2026-09-30T06:00:00Z');
    const deadlines = new Map(routed.rota.map((entry) => [entry.supplierId, entry.deadline]));
    // NSTL keeps the network's hours: 3.5 that day, then 4.5 when work resumes on 8 October.
    expect(deadlines.get('nstl')).toEqual({ workingHours: 8, clock: "08:30–17:30 Asia/Shanghai, working days of China's public calendar", at: '2026-10-08T05:00:00.000Z' });
    expect(deadlines.get('oa-resolver')).toEqual({ workingHours: 8, clock: 'around the clock', at: '2026-09-30T14:00:00.000Z' });
    // A date alone names no time to count from.
    const dated = await decision(sample('foreign-physics-nstl.json'), SHIPPED_CONFIG, '2026-09-30');
    expect(dated.rota.find((entry) => entry.supplierId === 'nstl')?.deadline).toEqual({ workingHours: 8, clock: "08:30–17:30 Asia/Shanghai, working days of China's public calendar" });
    // Beyond the years China's public holidays are published for, the decision says how it counted.
    const later = await decision(sample('foreign-physics-nstl.json'), SHIPPED_CONFIG, '2027-01-29T06:00:00Z');
    expect(later.rota.find((entry) => entry.supplierId === 'nstl')?.deadline?.note).toBe("2027 counted Monday to Friday: China's public holidays are published for 2004–2026 only");
  });

  test('prints when the reader may expect the document, in working hours and, with --now an instant, as instants', async () => {
    // 14:00 on 30 September 2026 in Beijing: the open-access resolver may have it within the hour;
    // otherwise NSTL and the libraries work on it after the National Day holiday. The resolver works
    // around the clock: its 24-hour try ends at 14:00 on 1 October, 3.5 of the network's working hours on.
    const routed = await decision(sample('foreign-physics-nstl.json'), SHIPPED_CONFIG, '2026-09-30T06:00:00Z');
    expect(routed.eta).toEqual({
      workingHours: { p10: 0.4, median: 6.49, p90: 11.5 },
      earliestAt: '2026-09-30T06:24:00.000Z',
      // 3.5 working hours on the 30th, the rest on 8 October.
      likelyAt: '2026-10-08T03:29:24.000Z',
      latestAt: '2026-10-08T08:30:00.000Z',
      clock: "08:30–17:30 Asia/Shanghai, working days of China's public calendar",
      basis: 'Configured fill rates and promised turnarounds of the 5 rota suppliers; search-proxy staff (within 72 h nine times in ten, then a search of about 4.22 h) should the rota run out.',
    });
    // A date alone names no instant to read the resolver's hours from: they are counted as the network's.
    const dated = await decision(sample('foreign-physics-nstl.json'), SHIPPED_CONFIG, '2026-09-30');
    expect(dated.eta).toEqual({ workingHours: { p10: 0.4, median: 10.99, p90: 16 }, clock: routed.eta!.clock, basis: routed.eta!.basis });
    const escalated = await decision(sample('rare-escalate.json'));
    expect(escalated.eta).toMatchObject({ workingHours: { p10: expect.any(Number), median: expect.any(Number), p90: 87.84 }, basis: 'Search-proxy staff (within 72 h nine times in ten, then a search of about 12.65 h).' });
  });

  test('usage and load facts try a copyright cap and a load rule offline', async () => {
    const args = ['--config', SHIPPED_CONFIG, '--request', sample('chinese-article-ppv.json'), '--now', NOW];
    const plain = JSON.parse((await run(args)).stdout) as RouteDecision;
    expect(plain.outcome).toBe('route');
    const capped = await run([...args, '--usage', 'titleCopiesThisYear=12']);
    expect(capped.stderr).toBe('');
    const review = JSON.parse(capped.stdout) as RouteDecision;
    expect(review.outcome).toBe('review');
    expect(review.tasks.map((task) => task.rule)).toEqual(['journal-title-copy-cap']);

    const first = plain.rota[0]!.supplierId;
    const loaded = JSON.parse((await run([...args, '--load', `${first}=1000000`])).stdout) as RouteDecision;
    const [before, after] = [plain.rota[0]!, loaded.rota.find((each) => each.supplierId === first)!];
    expect(after.rules).toContain('nearly-full-suppliers-rank-lower');
    expect(before.rules).not.toContain('nearly-full-suppliers-rank-lower');
    expect(after.terms).toEqual({ ...before.terms, load: -0.05, rules: before.terms.rules! - 0.2 });

    const file = scratch('facts.json', JSON.stringify({ usage: { titleCopiesThisYear: 12 }, load: { [first]: 1000000 } }));
    const both = JSON.parse((await run([...args, '--facts', file])).stdout) as RouteDecision;
    expect(both.outcome).toBe('review');
    expect(both).toEqual(JSON.parse((await run([...args, '--usage', 'titleCopiesThisYear=12', '--load', `${first}=1000000`])).stdout));
    expect(both.rota.find((each) => each.supplierId === first)?.terms).toEqual(after.terms);
  });

  test('configuration problems: FILE:LINE:COLUMN on stderr, exit 1, nothing routed', async () => {
    const copy = broken();
    copy.patch('policy.yaml', 'ebookValidDays: 30', 'ebookValidDays: thirty');
    expect(await run(['--config', copy.dir, '--request', sample('ebook-calis.json')])).toEqual({
      code: 1,
      stdout: '',
      stderr: `${join(copy.dir, copy.at('policy.yaml', 'thirty'))}: 'delivery.ebookValidDays' must be integer, found 'thirty'\n`,
    });
  });

  test.each([
    [['--colour', 'red'], "Unknown option '--colour'"],
    [[], 'missing --request FILE'],
    [['extra'], "Unexpected argument 'extra'"],
    [['--request'], "Option '--request <value>' argument missing"],
    [['--request', 'a.json', '--compare', 'old'], '--request routes one request; --compare and --requests compare two configurations'],
    [['--compare', 'old'], '--compare and --requests go together'],
    [['--compare', 'old', '--requests', 'r.jsonl', '--threads', '1.5'], '--threads must be a whole number, not 1.5'],
    [['--compare', 'old', '--requests', 'r.jsonl', '--threads', 'all'], '--threads must be a number of 0 or more, not "all"'],
    [['--compare', 'old', '--requests', 'r.jsonl', '--threads', '100000'], `--threads must be at most ${4 * availableParallelism()} (4 for each of this machine's ${availableParallelism()} cores), not 100000`],
    [['--request', 'a.json', '--now', 'tomorrow'], "--now 'tomorrow' is not an ISO date like 2026-03-02 or 2026-03-02T09:30:00Z"],
    [['--request', 'a.json', '--usage', 'copies=3'], "--usage 'copies' is not a usage fact (deadlineHours, titleCopiesThisYear, holders)"],
    [['--request', 'a.json', '--usage', 'titleCopiesThisYear'], "--usage 'titleCopiesThisYear' is not NAME=N"],
    [['--request', 'a.json', '--load', 'cnki=many'], 'load of \'cnki\' must be a number of 0 or more, not "many"'],
    [['--config', SHIPPED_CONFIG, '--request', sample('ebook-calis.json'), '--load', 'cnky=3'], '--load names suppliers not in the configuration: cnky'],
  ])('usage mistake %j: one line with the usage on stderr, exit 2', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^ill route: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; usage: ill route \\[--config DIR\\][^\\n]*\\n$`));
  });

  test('a missing file or directory: one line on stderr, exit 2', async () => {
    expect(await run(['--config', SHIPPED_CONFIG, '--request', '/nonexistent/r.json'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "ill route: ENOENT: no such file or directory, open '/nonexistent/r.json'\n",
    });
    expect((await run(['--config', '/nonexistent/ill-config', '--request', sample('ebook-calis.json')])).stderr).toBe(
      "ill route: configuration directory '/nonexistent/ill-config' not found\n",
    );
  });

  test('is a command of ill', async () => {
    let stdout = '';
    expect(await runCli(['route', '--help'], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: {} })).toBe(0);
    expect(stdout).toMatch(/^usage: ill route /);
  });
});

describe('ill route --compare', () => {
  async function compare(copy: ConfigCopy, jsonl: string[]) {
    const requests = scratch('requests.jsonl', `${jsonl.join('\n')}\n`);
    const result = await run(['--config', copy.dir, '--compare', SHIPPED_CONFIG, '--requests', requests, '--now', NOW]);
    return { ...result, requests, report: result.code === 0 ? JSON.parse(result.stdout) : undefined };
  }

  /** The rota of every sample request under a configuration, by request id. */
  async function rotas(config: string): Promise<Map<string, string[]>> {
    const routed = await Promise.all(readdirSync(SAMPLES).map((name) => decision(sample(name), config)));
    return new Map(routed.map((each) => [each.requestId, each.rota.map((entry) => entry.supplierId)]));
  }

  test('a suspended supplier: only the requests it was on the rota of change', async () => {
    const copy = broken();
    const text = copy.read('suppliers/national.yaml');
    const keris = text.indexOf('id: keris');
    const status = text.indexOf('status: { state: active }', keris);
    copy.write('suppliers/national.yaml', `${text.slice(0, status)}status: { state: suspended, note: contract lapsed }${text.slice(status + 'status: { state: active }'.length)}`);

    const { code, stderr, report } = await compare(copy, samplesJsonl());
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [before, after] = [await rotas(SHIPPED_CONFIG), await rotas(copy.dir)];
    expect(report).toEqual({
      old: (await decision(sample('ebook-calis.json'))).rulesetVersion,
      new: (await decision(sample('ebook-calis.json'), copy.dir)).rulesetVersion,
      requests: 7,
      changed: 1,
      invalid: 0,
      changes: [
        {
          requestId: 'ybu-2026-000088',
          firstSupplier: { old: 'keris', new: after.get('ybu-2026-000088')?.[0] },
          rotaChanged: true,
          rota: { old: before.get('ybu-2026-000088'), new: after.get('ybu-2026-000088') },
        },
      ],
    });
    expect(report.changes[0].rota.new).not.toContain('keris');
  });

  test('a changed rule score: the report names exactly the requests whose first supplier changed', async () => {
    const copy = broken();
    const text = copy.read('rules/preferences.yaml');
    const rule = text.indexOf('name: library-preferred-suppliers');
    const score = /add: -?[\d.]+/.exec(text.slice(rule));
    const from = rule + (score?.index ?? 0);
    copy.write('rules/preferences.yaml', `${text.slice(0, from)}add: -100${text.slice(from + (score?.[0].length ?? 0))}`);

    const { code, report } = await compare(copy, samplesJsonl());
    expect(code).toBe(0);
    const [before, after] = [await rotas(SHIPPED_CONFIG), await rotas(copy.dir)];
    const movedFirst = [...before.keys()].filter((id) => before.get(id)?.[0] !== after.get(id)?.[0]);
    expect(movedFirst).toContain('szu-2026-000417');
    const reported = report.changes.filter((change: any) => change.firstSupplier);
    expect(reported.map((change: any) => change.requestId).sort()).toEqual(movedFirst.sort());
    for (const change of report.changes) {
      expect(change.rota).toEqual({ old: before.get(change.requestId), new: after.get(change.requestId) });
      if (change.firstSupplier) expect(change.firstSupplier).toEqual({ old: change.rota.old[0], new: change.rota.new[0] });
    }
    expect(report.changed).toBe(report.changes.length);
  });

  test('a changed copyright cap: changed outcomes and tasks are reported, not only changed rotas', async () => {
    const copy = broken();
    copy.patch('rules/approvals.yaml', 'operator: greaterThanInclusive, value: 10 }', 'operator: greaterThanInclusive, value: 3 }');
    const requests = scratch('requests.jsonl', `${samplesJsonl().join('\n')}\n`);
    const result = await run(['--config', copy.dir, '--compare', SHIPPED_CONFIG, '--requests', requests, '--now', NOW, '--usage', 'titleCopiesThisYear=5']);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(report.changes.length).toBeGreaterThan(0);
    for (const change of report.changes) {
      expect(change.rotaChanged).toBe(false);
      expect(change.tasks.new).toContainEqual({ type: 'review', rule: 'journal-title-copy-cap' });
      expect(change.tasks.old).not.toContainEqual({ type: 'review', rule: 'journal-title-copy-cap' });
    }
    const ppv = report.changes.find((change: any) => change.requestId === 'szu-2026-000417');
    expect(ppv).toMatchObject({ outcome: { old: 'route', new: 'review' }, tasks: { old: [], new: [{ type: 'review', rule: 'journal-title-copy-cap' }] } });
    // Under the figures routing counts by default, no request reaches either cap.
    expect((await compare(copy, samplesJsonl())).report.changed).toBe(0);
  });

  test('the same configuration on both sides changes nothing', async () => {
    const { report } = await compare(broken(), samplesJsonl());
    expect(report).toMatchObject({ requests: 7, changed: 0, invalid: 0, changes: [] });
    expect(report.old).toBe(report.new);
  });

  test('a bad line is reported at its line in the file, counted, and the others are still compared', async () => {
    const lines = samplesJsonl();
    lines[2] = (lines[2] ?? '').replace(/"urgency":"\w+"/, '"urgency":"whenever"');
    lines.splice(4, 0, '');
    const { code, stderr, requests, report } = await compare(broken(), lines);
    expect(code).toBe(0);
    expect(stderr).toBe(`${requests}:3:${(lines[2] ?? '').indexOf('"whenever"') + 1}: 'urgency' cannot be 'whenever' (expected one of: normal, rush, express)\n`);
    expect(report).toMatchObject({ requests: 7, changed: 0, invalid: 1 });

    const unparsable = samplesJsonl();
    unparsable[5] = '{"id": "r-1",';
    const broke = await compare(broken(), unparsable);
    expect(broke.stderr).toMatch(new RegExp(`^${broke.requests}:6:\\d+: YAML syntax error: `));
    expect(broke.report).toMatchObject({ requests: 7, invalid: 1 });
  });

  /** A copy of the shipped configuration with Keris suspended, which changes the rota of one sample. */
  function kerisSuspended(): ConfigCopy {
    const copy = broken();
    const text = copy.read('suppliers/national.yaml');
    const keris = text.indexOf('id: keris');
    const status = text.indexOf('status: { state: active }', keris);
    copy.write('suppliers/national.yaml', `${text.slice(0, status)}status: { state: suspended, note: contract lapsed }${text.slice(status + 'status: { state: active }'.length)}`);
    return copy;
  }

  test('a malformed line among good ones: located, counted, and the others compared as without it', async () => {
    const copy = kerisSuspended();
    const good = samplesJsonl();
    const clean = await compare(copy, good);
    const lines = [...good];
    const malformed = '{"id": "r-9", "requester": {"libraryId": "pku" "patronId": "p1"}}';
    lines.splice(3, 0, malformed);
    const { code, stderr, requests, report } = await compare(copy, lines);
    expect(code).toBe(0);
    const reported = stderr.trimEnd().split('\n');
    expect(reported[0]).toBe(`${requests}:4:${malformed.indexOf('"patronId"') + 1}: YAML syntax error: Unexpected double-quoted-scalar token`);
    for (const line of reported) expect(line).toMatch(new RegExp(`^${requests}:4:\\d+: YAML syntax error: `));
    expect(report).toEqual({ ...clean.report, requests: 8, invalid: 1 });
    expect(report.changed).toBe(1);
  });

  /** One line of YAML whose aliases expand to 9^8 values: the parser refuses to expand it. */
  function aliasBomb(): string {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let n = 1; n <= 8; n++) levels.push(`a${n}: &a${n} [${Array.from({ length: 9 }, () => `*a${n - 1}`).join(', ')}]`);
    return `{${levels.join(', ')}}`;
  }

  test('a batch of thousands of requests: compared by worker threads and this one together as by this one alone', async () => {
    const samples = samplesJsonl().map((line) => JSON.parse(line) as { id: string });
    const lines = Array.from({ length: 4500 }, (_, i) => {
      const request = samples[i % samples.length] as { id: string };
      return JSON.stringify({ ...request, id: `${request.id}-${i}` });
    });
    lines[1500] = (lines[1500] ?? '').replace(/"urgency":"\w+"/, '"urgency":"whenever"');
    lines[3200] = '{"id": "r-1",';
    lines[3800] = aliasBomb();
    lines.splice(2200, 0, '');
    const copy = kerisSuspended();
    const requests = scratch('requests.jsonl', `${lines.join('\n')}\n`);
    const args = ['--config', copy.dir, '--compare', SHIPPED_CONFIG, '--requests', requests, '--now', NOW, '--threads'];
    const alone = await run([...args, '0']);
    expect(alone.code).toBe(0);
    expect(JSON.parse(alone.stdout)).toMatchObject({ requests: 4500, invalid: 3 });
    expect(JSON.parse(alone.stdout).changed).toBeGreaterThan(500);
    expect(alone.stderr.split('\n')[0]).toMatch(new RegExp(`^${requests}:1501:\\d+: 'urgency' cannot be 'whenever'`));
    expect(alone.stderr).toContain(`${requests}:3802:1: YAML could not be read: `);
    expect(await run([...args, '1'])).toEqual(alone);
    expect(await run([...args, '2'])).toEqual(alone);
  });

  test('a line that is JSON and a valid request but names no member library: located at its requester', async () => {
    const lines = samplesJsonl();
    lines[1] = (lines[1] ?? '').replace(/"libraryId":"\w+"/, '"libraryId":"nowhere"');
    const { stderr, requests, report } = await compare(broken(), lines);
    expect(stderr).toMatch(new RegExp(`^${requests}:2:${(lines[1] ?? '').indexOf('"nowhere"') + 1}: unknown library 'nowhere'`));
    expect(report).toMatchObject({ requests: 7, invalid: 1 });
  });

  test('a line written as YAML rather than JSON is still read', async () => {
    const lines = [...samplesJsonl(), '{ id: yaml-1, requester: { libraryId: pku, patronId: p1 }, service: copy, urgency: normal, citation: { title: Nature, issn: 0028-0836 } }'];
    const { stderr, report } = await compare(kerisSuspended(), lines);
    expect(stderr).toBe('');
    expect(report).toMatchObject({ requests: 8, invalid: 0, changed: 1 });
  });

  test('lines ending in CRLF, and the batch from stdin as -', async () => {
    const copy = kerisSuspended();
    const lines = samplesJsonl();
    lines[2] = (lines[2] ?? '').replace(/"urgency":"\w+"/, '"urgency":"whenever"');
    const fromFile = await compare(copy, lines);
    const fromStdin = await run(['--config', copy.dir, '--compare', SHIPPED_CONFIG, '--requests', '-', '--now', NOW], `${lines.join('\r\n')}\r\n`);
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    expect(fromStdin.stderr).toBe(fromFile.stderr.replace(fromFile.requests, '<stdin>'));
    expect(fromStdin.stderr).toMatch(/^<stdin>:3:\d+: 'urgency' cannot be 'whenever'/);
  });

  test('the report, written as requests are decided, is JSON indented by 2 with the counts last', async () => {
    for (const copy of [kerisSuspended(), broken()]) {
      const { stdout, report } = await compare(copy, samplesJsonl());
      expect(stdout).toBe(`${JSON.stringify(report, null, 2)}\n`);
      expect(Object.keys(report)).toEqual(['old', 'new', 'changes', 'requests', 'changed', 'invalid']);
    }
  });

  test('each configuration looks holders up in its own holdings', async () => {
    const copy = broken();
    // The requesting library of the loan sample now holds the book itself.
    copy.patch('holdings.yaml', "'9787020002207': [pku,", "'9787020002207': [hunnu, pku,");
    const { report } = await compare(copy, samplesJsonl());
    expect(report.changes).toEqual([expect.objectContaining({ requestId: 'hunnu-2026-000951', outcome: { old: 'route', new: 'local' } })]);
  });

  test('a batch file that is not there: one line on stderr, nothing on stdout, exit 2', async () => {
    expect(await run(['--config', SHIPPED_CONFIG, '--compare', SHIPPED_CONFIG, '--requests', '/nonexistent/requests.jsonl'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "ill route: ENOENT: no such file or directory, open '/nonexistent/requests.jsonl'\n",
    });
  });

  test('configuration problems in either directory: located lines, exit 1', async () => {
    const copy = broken();
    copy.patch('holdings.yaml', '[lzu, nwu, xju]', '[lzu, nwu, xjuu]');
    const { code, stdout, stderr } = await compare(copy, samplesJsonl());
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${join(copy.dir, copy.at('holdings.yaml', 'xjuu'))}: unknown library 'xjuu' (did you mean 'xju'?)\n`);
  });
});
