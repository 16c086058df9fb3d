import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import rulesSchema from '../config/schemas/rules.schema.json';
import suppliersSchema from '../config/schemas/suppliers.schema.json';
import { configCopies, SHIPPED_CONFIG, type ConfigCopy } from './config-fixture';
import { EVENT_TYPES } from './events';
import { SUPPLIER_KINDS } from './facts';
import { ParseCache } from './located';
import { loadNetwork } from './load';
import { validateRequest } from './request';

const broken = configCopies();

function check(copy: ConfigCopy): string[] {
  const { config, problems } = loadNetwork(copy.dir);
  expect(config).toBeUndefined();
  return copy.lines(problems);
}

/** A rules file with one rule per name, whose `all` lists the given conditions. */
function rulesYaml(rules: Record<string, string[]>): string {
  const entries = Object.entries(rules).map(
    ([name, conditions]) =>
      `  - name: ${name}\n    conditions:\n      all:\n${conditions.map((condition) => `        - ${condition}\n`).join('')}    event: { type: exclude, params: { reason: test } }\n`,
  );
  return `rules:\n${entries.join('')}`;
}

const PREFERENCES = 'rules/preferences.yaml';
const EXCLUSIONS = 'rules/exclusions.yaml';

describe('the shipped configuration', () => {
  const { config, problems } = loadNetwork(SHIPPED_CONFIG);

  test('loads without problems', () => {
    expect(problems).toEqual([]);
    expect(config?.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('is a realistic CALIS network', () => {
    const suppliers = config?.suppliers ?? [];
    const libraries = config?.libraries ?? [];
    expect(suppliers.filter((supplier) => supplier.kind === 'service-library').length).toBeGreaterThanOrEqual(40);
    expect(libraries.filter((library) => library.role === 'user').length).toBeGreaterThanOrEqual(60);
    expect(new Set(suppliers.map((supplier) => supplier.kind))).toEqual(new Set(SUPPLIER_KINDS));
    expect(suppliers.some((supplier) => supplier.status.state === 'closed' && supplier.status.from && supplier.status.to)).toBe(true);
    expect(suppliers.some((supplier) => supplier.status.state === 'suspended')).toBe(true);
    const members = new Map(libraries.map((library) => [library.id, library.role]));
    for (const supplier of suppliers.filter((each) => each.kind === 'service-library')) {
      expect(['service', 'both']).toContain(members.get(supplier.id));
    }
    expect(Object.keys(config?.holdings ?? {}).length).toBeGreaterThanOrEqual(12);
    expect(config?.policy.targets.copy).toEqual({ normal: 24, rush: 8, express: 4 });
    expect(config?.policy.settlement).toEqual({ fee: { share: 0.05 }, subsidy: { bySupplierKind: { 'service-library': 0.5 } } });
  });

  test('records where each supplier, library and rule is written', () => {
    const copy = broken();
    const nstl = config?.suppliers.find((supplier) => supplier.id === 'nstl');
    const [file, line] = copy.at('suppliers/national.yaml', 'id: nstl').split(':');
    // Relative to the directory: the API shows where a rule is written to everyone, never where the server keeps it.
    expect(nstl?.source).toEqual({ file, line: Number(line) });
    for (const entry of [...(config?.suppliers ?? []), ...(config?.libraries ?? []), ...(config?.rules ?? [])]) {
      expect(entry.source.line).toBeGreaterThan(0);
    }
  });

  test('every file names its schema for editors', () => {
    for (const folder of ['suppliers', 'libraries', 'rules', '.']) {
      for (const name of readdirSync(join(SHIPPED_CONFIG, folder)).filter((each) => each.endsWith('.yaml'))) {
        const first = readFileSync(join(SHIPPED_CONFIG, folder, name), 'utf8').split('\n')[0] ?? '';
        const schema = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
        expect(schema, `${folder}/${name}`).toBeDefined();
        expect(readdirSync(join(SHIPPED_CONFIG, 'schemas'))).toContain(join(SHIPPED_CONFIG, folder, schema ?? '').split('/').at(-1));
        expect(join(folder, schema ?? '')).toMatch(/^\.\.\/schemas\/|^schemas\//);
      }
    }
  });

  test('schemas list exactly the kinds and event types the engine knows', () => {
    expect(suppliersSchema.$defs.supplier.properties.kind.enum).toEqual([...SUPPLIER_KINDS]);
    expect(rulesSchema.$defs.rule.properties.event.properties.type.enum).toEqual(EVENT_TYPES);
  });

  test('libraries state where they take delivery', () => {
    const ybu = config?.libraries.find((library) => library.id === 'ybu');
    expect(ybu?.delivery).toMatchObject({ email: 'ill@lib.ybu.edu.cn', postal: { locality: '延吉市 (Yanji)', postalCode: '133002', region: 'CN-JL', country: 'CN' } });
    expect(config?.libraries.filter((library) => library.delivery).length).toBeGreaterThanOrEqual(3);
  });

  test('sample requests are valid requests', () => {
    for (const name of readdirSync(join(SHIPPED_CONFIG, 'requests'))) {
      const text = readFileSync(join(SHIPPED_CONFIG, 'requests', name), 'utf8');
      const { request, problems: found } = validateRequest(JSON.parse(text), name, text);
      expect(found).toEqual([]);
      expect(request).not.toHaveProperty('$schema');
    }
  });
});

interface Mistake {
  file: string;
  from: string;
  to: string;
  /** Where the problem is reported: the single occurrence of this text after the patch. */
  marker: string;
  offset?: number;
  message: string;
}

const MISTAKES: Record<string, Mistake> = {
  'schema: wrong type': {
    file: 'suppliers/vendors.yaml',
    from: 'capacityPerDay: 10000\n',
    to: 'capacityPerDay: many\n',
    marker: 'many',
    message: "'capacityPerDay' must be integer, found 'many'",
  },
  'schema: enum value, with a suggestion': {
    file: PREFERENCES,
    from: '      type: score\n      params: { add: 0.1,',
    to: '      type: scor\n      params: { add: 0.1,',
    marker: 'scor\n',
    message: "'event.type' cannot be 'scor' (did you mean 'score'?)",
  },
  'unknown supplier in a library policy': {
    file: 'libraries/east.yaml',
    from: 'preferredSuppliers: [shanghai-library]',
    to: 'preferredSuppliers: [shanghai-libary]',
    marker: 'shanghai-libary',
    message: "unknown supplier 'shanghai-libary' (did you mean 'shanghai-library'?)",
  },
  'unknown supplier in a rule value': {
    file: PREFERENCES,
    from: 'value: [cnki, vip]',
    to: 'value: [cnki, vipp]',
    marker: 'vipp',
    message: "unknown supplier 'vipp' (did you mean 'vip'?)",
  },
  'unknown fact': {
    file: EXCLUSIONS,
    from: '{ fact: candidate, path: $.blocked,',
    to: '{ fact: candidat, path: $.blocked,',
    marker: 'candidat,',
    message: "unknown fact 'candidat' (did you mean 'candidate'?)",
  },
  'unknown path': {
    file: EXCLUSIONS,
    from: 'path: $.kind, operator: equal, value: search-proxy',
    to: 'path: $.knd, operator: equal, value: search-proxy',
    marker: '$.knd',
    message: "unknown path '$.knd' for fact 'supplier' (did you mean '$.kind'?)",
  },
  'unknown operator': {
    file: EXCLUSIONS,
    from: 'operator: equal, value: search-proxy',
    to: 'operator: equals, value: search-proxy',
    marker: 'equals',
    message: "'conditions.all[0].operator' cannot be 'equals' (did you mean 'equal'?)",
  },
  "json-rules-engine's operator decorator": {
    file: PREFERENCES,
    from: '$.citation.language, operator: notEqual, value: ko',
    to: '$.citation.language, operator: not:equal, value: ko',
    marker: 'not:equal',
    message: "'conditions.all[2].operator' cannot be 'not:equal' (did you mean 'notEqual'?)",
  },
  'operator that cannot apply to the fact': {
    file: PREFERENCES,
    from: '$.service, operator: equal, value: ebook',
    to: '$.service, operator: lessThan, value: 3',
    marker: 'lessThan, value: 3',
    message: "operator 'lessThan' needs a number but request $.service is a string",
  },
  'value the fact never takes': {
    file: EXCLUSIONS,
    from: 'value: search-proxy }',
    to: 'value: search_proxy }',
    marker: 'search_proxy',
    message: "supplier $.kind is never 'search_proxy' (did you mean 'search-proxy'?)",
  },
  'unknown library in holdings': {
    file: 'holdings.yaml',
    from: '[lzu, nwu, xju]',
    to: '[lzu, nwu, xjuu]',
    marker: 'xjuu',
    message: "unknown library 'xjuu' (did you mean 'xju'?)",
  },
  'holdings key that is no ISSN, ISBN, DOI or title': {
    file: 'holdings.yaml',
    from: '  0028-0836:',
    to: '  nature:',
    marker: 'nature:',
    message: String.raw`key 'nature' must match pattern "^([0-9]{4}-[0-9]{3}[0-9X]|97[89][0-9]{10}|10\.[0-9]{4,9}/.+|title:.+)$"`,
  },
  'schema: a delivery e-mail that is no address': {
    file: 'libraries/northeast.yaml',
    from: 'email: ill@lib.ybu.edu.cn',
    to: 'email: ill-desk at ybu',
    marker: 'ill-desk at ybu',
    message: String.raw`'delivery.email' must match pattern "^[^@\s]+@[^@\s]+\.[^@\s]+$"`,
  },
  'schema: a postal address without its country': {
    file: 'libraries/northeast.yaml',
    from: '        region: CN-JL\n        country: CN\n',
    to: '        region: CN-JL\n',
    marker: 'line1: 延边大学图书馆',
    message: "missing required property 'country'",
  },
  'sample request naming an unknown library': {
    file: 'requests/ebook-calis.json',
    from: '"libraryId": "cnu"',
    to: '"libraryId": "cnuu"',
    marker: '"cnuu"',
    message: "unknown library 'cnuu' (did you mean 'cnu'?)",
  },
};

describe('configuration mistakes are reported where they are written', () => {
  test.each(Object.entries(MISTAKES))('%s', (_name, { file, from, to, marker, offset, message }) => {
    const copy = broken();
    copy.patch(file, from, to);
    expect(check(copy)).toEqual([`${copy.at(file, marker, offset)}: ${message}`]);
  });

  test('YAML syntax error, without cascading into references to the broken file', () => {
    const copy = broken();
    copy.patch('suppliers/vendors.yaml', 'formats: [pdf, caj]', 'formats: [pdf, caj');
    expect(check(copy)).toEqual([
      `${copy.at('suppliers/vendors.yaml', 'coverage: { languages: [zh], years: { from: 1915 }, titles')}: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  test('schema: missing required property, at the entry', () => {
    const copy = broken();
    copy.patch('suppliers/overseas.yaml', '    adapter: manual\n    services: [copy]\n    formats: [pdf]\n    coverage:\n', '    services: [copy]\n    formats: [pdf]\n    coverage:\n');
    expect(check(copy)).toEqual([`${copy.at('suppliers/overseas.yaml', 'id: harvard-yenching')}: missing required property 'adapter'`]);
  });

  test('schema: a peer ILL system without the address and agency id the engine needs to reach it', () => {
    const copy = broken();
    copy.patch('suppliers/overseas.yaml', '    endpoint: http://127.0.0.1:3100/iso18626/cuhk\n    agencyId: ISIL:HK-CUHK\n', '');
    expect(check(copy).sort()).toEqual([
      `${copy.at('suppliers/overseas.yaml', 'id: cuhk')}: missing required property 'agencyId'`,
      `${copy.at('suppliers/overseas.yaml', 'id: cuhk')}: missing required property 'endpoint'`,
    ]);
  });

  test('unknown library among holders written with their records, at its id', () => {
    const copy = broken();
    copy.patch('holdings.yaml', '{ libraryId: nju, recordId', '{ libraryId: njx, recordId');
    expect(check(copy)).toEqual([`${copy.at('holdings.yaml', 'njx')}: unknown library 'njx' (did you mean 'nju'?)`]);
  });

  test('schema: credentials named by environment variable, never written in', () => {
    const copy = broken();
    copy.patch('suppliers/vendors.yaml', '    endpoint: http://127.0.0.1:3100/vendor/cnki\n', '    endpoint: http://127.0.0.1:3100/vendor/cnki\n    auth: { type: bearer, tokenEnv: s3cret-token }\n');
    const problems = check(copy);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith(copy.at('suppliers/vendors.yaml', 'auth:').split(':').slice(0, 2).join(':')))).toBe(true);
  });

  test('schema: unknown property, at its key, with a suggestion', () => {
    const copy = broken();
    copy.patch('policy.yaml', '  loanPeriodDays: 30', '  loanPeriodDay: 30');
    expect(check(copy)).toEqual([
      `${copy.at('policy.yaml', 'copyLinkValidHours')}: missing required property 'loanPeriodDays'`,
      `${copy.at('policy.yaml', 'loanPeriodDay:')}: unknown property 'loanPeriodDay' (did you mean 'loanPeriodDays'?)`,
    ]);
  });

  test('settlement terms: a share is a fraction of the price, at most the whole of it', () => {
    const copy = broken();
    copy.patch('policy.yaml', 'bySupplierKind: { service-library: 0.5 }', 'bySupplierKind: { service-library: 1.5 }');
    expect(check(copy)).toEqual([`${copy.at('policy.yaml', 'service-library: 1.5', 'service-library: '.length)}: 'settlement.subsidy.bySupplierKind.service-library' must be <= 1`]);
  });

  test('duplicate id, across files', () => {
    const copy = broken();
    copy.patch('libraries/south.yaml', '  - id: gzhu\n', '  - id: szu\n');
    expect(check(copy)).toEqual([
      `${copy.at('libraries/south.yaml', 'szu\n    name: 广州大学')}: duplicate library id 'szu' (first defined at ${copy.at('libraries/south.yaml', 'szu\n    name: 深圳大学')})`,
    ]);
  });

  test('duplicate rule name', () => {
    const copy = broken();
    copy.patch(PREFERENCES, 'name: other-region-loans-next', 'name: same-region-loans-first');
    const second = copy.read(PREFERENCES).lastIndexOf('same-region-loans-first');
    const line = copy.read(PREFERENCES).slice(0, second).split('\n').length;
    expect(check(copy)).toEqual([
      `${PREFERENCES}:${line}:11: duplicate rule name 'same-region-loans-first' (first defined at ${copy.at(PREFERENCES, 'same-region-loans-first\n    description: Returnable')})`,
    ]);
  });

  test('bad event params: missing, ill-typed, unknown', () => {
    const copy = broken();
    copy.patch(PREFERENCES, 'params: { add: 0.1, reason: no member holds the article }', 'params: { ad: 0.1, reason: no member holds the article }');
    copy.patch(PREFERENCES, 'params: { tier: 4 }', "params: { tier: '4' }");
    copy.patch('rules/approvals.yaml', 'params: { hours: 12 }', 'params: { hours: 0 }');
    expect(check(copy)).toEqual([
      `${copy.at('rules/approvals.yaml', 'hours: 0', 7)}: event 'deadline' param 'hours' must be a number of at least 1, found 0`,
      `${copy.at(PREFERENCES, "tier: '4'", 6)}: event 'tier' param 'tier' must be a whole number of at least 1, found '4'`,
      `${copy.at(PREFERENCES, 'params: { ad: 0.1')}: event 'score' needs param 'add': a number (points added to the supplier’s score; negative to subtract)`,
      `${copy.at(PREFERENCES, 'ad: 0.1')}: unknown param 'ad' for event 'score' (did you mean 'add'?)`,
    ]);
  });

  test('contradictory conditions within one all', () => {
    const copy = broken();
    copy.write(
      'rules/impossible.yaml',
      rulesYaml({
        'two-services': ['{ fact: request, path: $.service, operator: equal, value: copy }', '{ fact: request, path: $.service, operator: equal, value: loan }'],
        'empty-range': ['{ fact: request, path: $.citation.year, operator: lessThan, value: 5 }', '{ fact: request, path: $.citation.year, operator: greaterThan, value: 10 }'],
        'outside-list': ['{ fact: request, path: $.urgency, operator: in, value: [rush, express] }', '{ fact: request, path: $.urgency, operator: equal, value: normal }'],
      }),
    );
    const second = (marker: string) => copy.at('rules/impossible.yaml', marker);
    const first = (marker: string) => copy.at('rules/impossible.yaml', marker).split(':')[1];
    expect(check(copy)).toEqual([
      `${second('{ fact: request, path: $.service, operator: equal, value: loan }')}: rule 'two-services' can never fire: request $.service equal 'loan' contradicts the condition on line ${first('value: copy')}`,
      `${second('{ fact: request, path: $.citation.year, operator: greaterThan')}: rule 'empty-range' can never fire: request $.citation.year greaterThan 10 contradicts the condition on line ${first('lessThan, value: 5')}`,
      `${second('{ fact: request, path: $.urgency, operator: equal')}: rule 'outside-list' can never fire: request $.urgency equal 'normal' contradicts the condition on line ${first('value: [rush, express]')}`,
    ]);
  });

  test('a contradiction inside a nested all is reported once', () => {
    const copy = broken();
    const never = '{ fact: candidate, path: $.holds, operator: equal, value: false }';
    copy.write('rules/nested.yaml', rulesYaml({ nested: [`all: [{ fact: candidate, path: $.holds, operator: equal, value: true }, ${never}]`] }));
    expect(check(copy)).toEqual([
      `${copy.at('rules/nested.yaml', never)}: rule 'nested' can never fire: candidate $.holds equal false contradicts the condition on line 5`,
    ]);
  });

  test('compatible conditions on one fact are not contradictions', () => {
    const copy = broken();
    copy.write(
      'rules/range.yaml',
      rulesYaml({
        'twentieth-century-urgent': [
          '{ fact: request, path: $.citation.year, operator: greaterThanInclusive, value: 1900 }',
          '{ fact: request, path: $.citation.year, operator: lessThan, value: 2000 }',
          '{ fact: request, path: $.urgency, operator: in, value: [rush, express] }',
          '{ fact: request, path: $.urgency, operator: notEqual, value: rush }',
        ],
      }),
    );
    expect(loadNetwork(copy.dir).problems).toEqual([]);
  });

  test('service-library supplier whose member library has role user', () => {
    const copy = broken();
    copy.patch('libraries/central.yaml', '  - id: hnu\n    name: 湖南大学图书馆 (Hunan University Library)\n    region: central\n    role: both', '  - id: hnu\n    name: 湖南大学图书馆 (Hunan University Library)\n    region: central\n    role: user');
    expect(check(copy)).toEqual([
      `${copy.at('suppliers/service-libraries.yaml', 'id: hnu', 4)}: service library 'hnu' is a member with role 'user'; a supplier needs role 'service' or 'both'`,
    ]);
  });

  test('service-library supplier that is not a member at all', () => {
    const copy = broken();
    copy.patch('suppliers/service-libraries.yaml', '  - id: hnu\n', '  - id: hnuu\n');
    const member = 'id: hnu\n    name: 湖南大学图书馆 (Hunan University Library)\n    region: central\n    role: both';
    expect(check(copy)).toEqual([
      `${copy.at('libraries/central.yaml', member, member.length - 'both'.length)}: library 'hnu' has role 'both' but no supplier entry with its id`,
      `${copy.at('suppliers/service-libraries.yaml', 'hnuu')}: service library 'hnuu' is not a member library (did you mean 'hnu'?); add it to the libraries with role 'service' or 'both'`,
    ]);
  });

  test('several problems in one run, sorted by file, line and column', () => {
    const copy = broken();
    copy.patch('policy.yaml', 'ebookValidDays: 30', 'ebookValidDays: thirty');
    copy.patch('holdings.yaml', '[lzu, nwu, xju]', '[lzu, nwu, xjuu]');
    copy.patch(EXCLUSIONS, '{ fact: candidate, path: $.blocked,', '{ fact: candidat, path: $.blocked,');
    copy.patch(EXCLUSIONS, 'operator: equal, value: search-proxy', 'operator: equals, value: search-proxy');
    copy.patch('suppliers/vendors.yaml', 'capacityPerDay: 10000\n', 'capacityPerDay: many\n');
    expect(check(copy)).toEqual([
      `${copy.at('holdings.yaml', 'xjuu')}: unknown library 'xjuu' (did you mean 'xju'?)`,
      `${copy.at('policy.yaml', 'thirty')}: 'delivery.ebookValidDays' must be integer, found 'thirty'`,
      `${copy.at(EXCLUSIONS, 'candidat,')}: unknown fact 'candidat' (did you mean 'candidate'?)`,
      `${copy.at(EXCLUSIONS, 'equals')}: 'conditions.all[0].operator' cannot be 'equals' (did you mean 'equal'?)`,
      `${copy.at('suppliers/vendors.yaml', 'many')}: 'capacityPerDay' must be integer, found 'many'`,
    ]);
  });

  test('files are named relative to the directory, or as the caller names them', () => {
    const copy = broken();
    copy.patch('holdings.yaml', '[lzu, nwu, xju]', '[lzu, nwu, xjuu]');
    const dir = relative(process.cwd(), copy.dir);
    expect(loadNetwork(dir).problems[0]?.file).toBe('holdings.yaml');
    expect(loadNetwork(dir, { name: (file) => join(dir, file) }).problems[0]?.file).toBe(join(dir, 'holdings.yaml'));
  });

  test('a draft stands in for a file without it being written', () => {
    const copy = broken();
    const drafts = new Map([['holdings.yaml', copy.read('holdings.yaml').replace('[lzu, nwu, xju]', '[lzu, nwu, xjuu]')]]);
    expect(copy.lines(loadNetwork(copy.dir, { drafts }).problems)).toEqual([`holdings.yaml:${copy.at('holdings.yaml', 'xju]').split(':').slice(1).join(':')}: unknown library 'xjuu' (did you mean 'xju'?)`]);
    expect(loadNetwork(copy.dir).problems).toEqual([]);
  });

  test('a missing file or folder is a problem, not an exception', () => {
    const copy = broken();
    renameSync(join(copy.dir, 'policy.yaml'), join(copy.dir, 'policy.yml.bak'));
    expect(check(copy)).toEqual(['policy.yaml:1:1: missing policy.yaml']);
  });
});

describe('configuration version', () => {
  const shipped = loadNetwork(SHIPPED_CONFIG).config?.version;

  test('ignores comments, whitespace, key order and file order within a folder', () => {
    const copy = broken();
    copy.patch('suppliers/vendors.yaml', '  - id: cnki\n', '  # the largest Chinese full-text database\n\n  - id: cnki\n');
    copy.patch('suppliers/vendors.yaml', 'cost: { currency: CNY, perArticle: 5 }', 'cost:   {perArticle: 5,   currency: CNY}');
    copy.patch('policy.yaml', '  cost: 0.25\n  turnaround: 0.25\n', '  turnaround: 0.25\n  cost: 0.25\n');
    renameSync(join(copy.dir, 'rules', 'approvals.yaml'), join(copy.dir, 'rules', 'zz-approvals.yaml'));
    expect(loadNetwork(copy.dir).config?.version).toBe(shipped);
  });

  test('changes when the content changes', () => {
    const copy = broken();
    copy.patch('suppliers/vendors.yaml', 'cost: { currency: CNY, perArticle: 5 }', 'cost: { currency: CNY, perArticle: 6 }');
    const version = loadNetwork(copy.dir).config?.version;
    expect(version).toMatch(/^sha256:/);
    expect(version).not.toBe(shipped);
  });
});

describe('validateRequest', () => {
  const text = readFileSync(join(SHIPPED_CONFIG, 'requests', 'loan-same-region.json'), 'utf8');

  test('locates problems in the request text', () => {
    const bad = text.replace('"year": 1986', '"year": "1986"').replace('"urgency": "normal"', '"urgency": "soon"');
    const { request, problems } = validateRequest(JSON.parse(bad), 'request.json', bad);
    expect(request).toBeUndefined();
    const at = (marker: string) => {
      const before = bad.slice(0, bad.indexOf(marker)).split('\n');
      return `request.json:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
    };
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)).toEqual([
      `${at('"1986"')}: 'citation.year' must be integer, found '1986'`,
      `${at('"soon"')}: 'urgency' cannot be 'soon' (expected one of: normal, rush, express)`,
    ]);
  });

  test('names the JSON pointer of every problem', () => {
    const bad = text.replace('"service": "loan"', '"service": "photocopy"');
    const { problems } = validateRequest(JSON.parse(bad), 'request.json', bad);
    expect(problems).toEqual([expect.objectContaining({ pointer: '/service', message: "'service' cannot be 'photocopy' (expected one of: copy, loan, ebook)" })]);
  });

  test('without the text, locates problems in the request printed as indented JSON', () => {
    const value = { ...JSON.parse(text), service: 'photocopy' };
    const printed = JSON.stringify(value, null, 2).split('\n');
    const line = printed.findIndex((each) => each.includes('"photocopy"'));
    const { problems } = validateRequest(value, 'api');
    expect(problems).toEqual([
      { file: 'api', line: line + 1, column: (printed[line] ?? '').indexOf('"photocopy"') + 1, pointer: '/service', message: "'service' cannot be 'photocopy' (expected one of: copy, loan, ebook)" },
    ]);
  });
});

describe('holdings written one item a line', () => {
  test('load as the YAML parser reads them, and a problem in them is located where it is written', () => {
    const copy = broken();
    const shipped = loadNetwork(copy.dir).config;
    const lines = Object.entries(shipped?.holdings ?? {}).map(([item, holders]) => `  '${item}': [${holders.map((holder) => (typeof holder === 'string' ? holder : holder.libraryId)).join(', ')}]`);
    copy.write('holdings.yaml', `# the union catalogue's export\nholdings:\n${lines.join('\n')}\n`);
    const cache = new ParseCache();
    const quick = loadNetwork(copy.dir, { cache });
    expect(quick.problems).toEqual([]);
    expect(Object.keys(quick.config?.holdings ?? {})).toEqual(Object.keys(shipped?.holdings ?? {}));
    expect(loadNetwork(copy.dir, { cache }).config?.holdings).toEqual(quick.config?.holdings);
    copy.patch('holdings.yaml', '[lzu, nwu, xju]', '[lzu, nwu, xjuu]');
    expect(copy.lines(loadNetwork(copy.dir, { cache }).problems)).toEqual([`${copy.at('holdings.yaml', 'xjuu')}: unknown library 'xjuu' (did you mean 'xju'?)`]);
  });
});

describe('two configurations loaded with one parse cache', () => {
  test('load as each does alone, every value its own, and a file that differs is parsed and its problems located in it', () => {
    const copy = broken();
    const cache = new ParseCache();
    const shipped = loadNetwork(SHIPPED_CONFIG, { cache });
    const again = loadNetwork(copy.dir, { cache });
    const alone = loadNetwork(copy.dir);
    expect(again.problems).toEqual([]);
    expect(JSON.stringify(again.config)).toBe(JSON.stringify(alone.config));
    expect(again.config?.version).toBe(shipped.config?.version);
    expect(again.config?.holdings).not.toBe(shipped.config?.holdings);
    expect(again.config?.suppliers[0]?.source.file).toBe('suppliers/national.yaml');

    copy.patch('holdings.yaml', '[lzu, nwu, xju]', '[lzu, nwu, xjuu]');
    const broke = loadNetwork(copy.dir, { cache });
    expect(copy.lines(broke.problems)).toEqual([`${copy.at('holdings.yaml', 'xjuu')}: unknown library 'xjuu' (did you mean 'xju'?)`]);
    copy.patch('holdings.yaml', '[lzu, nwu, xjuu]', '[lzu, nwu, xju]');
    copy.patch('policy.yaml', 'cost: 0.25', 'cost: -1');
    expect(copy.lines(loadNetwork(copy.dir, { cache }).problems)).toEqual([`${copy.at('policy.yaml', '-1')}: 'weights.cost' must be >= 0`]);
  });
});
