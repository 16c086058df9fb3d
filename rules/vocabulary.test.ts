// `ill check` holds rules, suppliers and sample requests to the subject vocabulary, to ISO 639-1
// language codes and to real calendar dates, each problem located and with the value meant.

import { describe, expect, test } from 'vitest';
import { configCopies, type ConfigCopy } from './config-fixture';
import { loadNetwork } from './load';
import { validateRequest } from './request';
import { dateProblem, isCalendarDate, LANGUAGE_CODES, languageProblem } from './vocabulary';

const copies = configCopies();
const PREFERENCES = 'rules/preferences.yaml';

function problems(copy: ConfigCopy): string[] {
  const loaded = loadNetwork(copy.dir);
  expect(loaded.config).toBeUndefined();
  return copy.lines(loaded.problems);
}

describe('subjects', () => {
  test('a rule names terms of the vocabulary: a mapped word says its term, a misspelling the nearest term', () => {
    const copy = copies();
    copy.patch(PREFERENCES, 'value: [science, engineering, computing, medicine, agriculture]', 'value: [physics, engineering, computing, medicine, agriculture]');
    copy.patch(PREFERENCES, 'value: [humanities, social-sciences, economics, law, education, arts]', 'value: [humanities, social-sciences, economics, laws, education, arts]');
    copy.patch('rules/approvals.yaml', 'operator: contains, value: medicine', 'operator: contains, value: 医学');
    expect(problems(copy)).toEqual([
      `${copy.at('rules/approvals.yaml', '医学')}: '医学' is not a subject of the vocabulary: requests' subjects are mapped to 'medicine' before rules see them, so write 'medicine'`,
      `${copy.at(PREFERENCES, 'physics')}: 'physics' is not a subject of the vocabulary: requests' subjects are mapped to 'science' before rules see them, so write 'science'`,
      `${copy.at(PREFERENCES, 'laws')}: unknown subject 'laws' (did you mean 'law'?)`,
    ]);
  });

  test("a supplier's coverage names terms of the vocabulary", () => {
    const copy = copies();
    copy.patch('suppliers/national.yaml', 'subjects: [science, engineering, computing, medicine, agriculture]', 'subjects: [science, enginering, computing, medicine, agriculture]');
    expect(problems(copy)).toEqual([`${copy.at('suppliers/national.yaml', 'enginering')}: unknown subject 'enginering' (did you mean 'engineering'?)`]);
  });

  test('a sample request may write subjects the mapping knows, and no other', () => {
    const copy = copies();
    copy.patch('requests/foreign-physics-nstl.json', '"subjects": ["science"]', '"subjects": ["物理學", "O4", "Physics", "phisics"]');
    expect(problems(copy)).toEqual([
      `${copy.at('requests/foreign-physics-nstl.json', '"phisics"')}: subject 'phisics' is not in the vocabulary and subjects.yaml maps it to none (did you mean 'physics'?)`,
    ]);
  });

  test('the vocabulary is defined in subjects.yaml only: a new term is usable at once', () => {
    const copy = copies();
    copy.patch('subjects.yaml', '  military: military science\n', '  military: military science\n  oceanography: marine sciences\n');
    copy.patch('requests/foreign-physics-nstl.json', '"subjects": ["science"]', '"subjects": ["oceanography"]');
    copy.patch('suppliers/national.yaml', 'subjects: [science, engineering, computing, medicine, agriculture]', 'subjects: [science, engineering, computing, medicine, agriculture, oceanography]');
    expect(loadNetwork(copy.dir).problems).toEqual([]);
  });
});

describe('languages', () => {
  test('all 184 ISO 639-1 codes, and names or three-letter codes lead to the two-letter one', () => {
    expect(LANGUAGE_CODES).toHaveLength(184);
    expect(languageProblem('zh')).toBeUndefined();
    expect(languageProblem('english')).toBe("'english' is not an ISO 639-1 language code: English is 'en'");
    expect(languageProblem('zho')).toBe("'zho' is not an ISO 639-1 language code: Chinese is 'zh'");
    expect(languageProblem('chi')).toBe("'chi' is not an ISO 639-1 language code: Chinese is 'zh'");
    expect(languageProblem('xx')).toBe("'xx' is not an ISO 639-1 language code (two lower-case letters, for example zh, en, ja, ko)");
  });

  test('in rules, supplier coverage and sample requests', () => {
    const copy = copies();
    copy.patch(PREFERENCES, 'operator: notIn, value: [zh, ko]', 'operator: notIn, value: [zh, kor]');
    copy.patch(PREFERENCES, '$.citation.language, operator: equal, value: en }', '$.citation.language, operator: equal, value: english }');
    copy.patch('suppliers/national.yaml', 'coverage: { languages: [ko] }', 'coverage: { languages: [korean] }');
    copy.patch('requests/korean-article-keris.json', '"language": "ko"', '"language": "zho"');
    expect(problems(copy)).toEqual([
      `${copy.at('requests/korean-article-keris.json', '"zho"')}: 'citation.language': 'zho' is not an ISO 639-1 language code: Chinese is 'zh'`,
      `${copy.at(PREFERENCES, 'kor]')}: 'kor' is not an ISO 639-1 language code: Korean is 'ko'`,
      `${copy.at(PREFERENCES, 'value: english', 7)}: 'english' is not an ISO 639-1 language code: English is 'en'`,
      `${copy.at('suppliers/national.yaml', 'korean')}: 'coverage.languages[0]': 'korean' is not an ISO 639-1 language code: Korean is 'ko'`,
    ]);
  });

  test('requests given to the engine are held to them too', () => {
    const request = { id: 'r', requester: { libraryId: 'pku', patronId: 'p' }, service: 'copy', urgency: 'normal', citation: { title: 't', language: 'english' } };
    expect(validateRequest(request, 'request.json').problems.map((problem) => problem.message)).toEqual([
      "'citation.language': 'english' is not an ISO 639-1 language code: English is 'en'",
    ]);
  });
});

describe('dates', () => {
  test('are days of the calendar', () => {
    expect(['2026-01-31', '2028-02-29', '2026-12-31'].filter(isCalendarDate)).toHaveLength(3);
    expect(['2026-13-01', '2026-02-29', '2026-04-31', '2026-00-10', '2026-1-1', '20260101'].filter(isCalendarDate)).toEqual([]);
    expect(dateProblem('2026-02-30')).toBe("'2026-02-30' is not a day of the calendar");
    expect(dateProblem('2026-1-1')).toBe("'2026-1-1' is not a date written YYYY-MM-DD");
  });

  test('a supplier status bounded by an impossible date is an error, not a later day', () => {
    const copy = copies();
    copy.patch('suppliers/vendors.yaml', 'from: 2026-10-01', 'from: 2026-13-01');
    copy.patch('suppliers/service-libraries.yaml', 'to: 2027-02-27', 'to: 2027-02-30');
    expect(problems(copy)).toEqual([
      `${copy.at('suppliers/service-libraries.yaml', '2027-02-30')}: 'status.to': '2027-02-30' is not a day of the calendar`,
      `${copy.at('suppliers/vendors.yaml', '2026-13-01')}: 'status.from': '2026-13-01' is not a day of the calendar`,
    ]);
  });

  test('so is a rule comparing a status date with one', () => {
    const copy = copies();
    copy.write('rules/dates.yaml', 'rules:\n  - name: closed-in-spring\n    conditions: { all: [{ fact: supplier, path: $.status.from, operator: equal, value: 2026-04-31 }] }\n    event: { type: score, params: { add: -1 } }\n');
    expect(problems(copy)).toEqual([`${copy.at('rules/dates.yaml', '2026-04-31')}: '2026-04-31' is not a day of the calendar`]);
  });
});

describe('document types and exists', () => {
  test('a rule names the document types requests carry, and asks exists with true or false', () => {
    const copy = copies();
    copy.write(
      'rules/documents.yaml',
      [
        'rules:',
        '  - name: theses-reviewed',
        '    conditions: { all: [{ fact: request, path: $.citation.documentType, operator: equal, value: theses }] }',
        '    event: { type: review, params: { reason: theses are lent by their university only } }',
        '  - name: without-doi',
        '    conditions: { all: [{ fact: request, path: $.citation.doi, operator: exists, value: "no" }] }',
        '    event: { type: review, params: { reason: no DOI } }',
        '',
      ].join('\n'),
    );
    expect(problems(copy)).toEqual([
      `${copy.at('rules/documents.yaml', 'theses }')}: request $.citation.documentType is never 'theses' (did you mean 'thesis'?)`,
      `${copy.at('rules/documents.yaml', '"no"')}: operator 'exists' compares with true or false, found 'no'`,
    ]);
  });
});
