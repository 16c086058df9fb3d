// Subjects as readers write them reach rules written in the routing vocabulary; what maps to
// nothing is reported, and `ill check` holds the mapping, rules and sample requests to it.

import { describe, expect, test } from 'vitest';
import { compile } from './compile';
import { configCopies, SHIPPED_CONFIG, type ConfigCopy } from './config-fixture';
import { loadNetwork } from './load';
import { createReference, routeWithReference } from './reference';
import { route } from './route';
import { classify, indexSubjects, normaliseSubjects } from './subjects';
import type { NetworkConfig } from './types';
import type { Citation, IllRequest } from '../domain/request';

const { config } = loadNetwork(SHIPPED_CONFIG);
if (!config?.subjects) throw new Error('the shipped configuration did not load');
const shipped: NetworkConfig = config;
const index = indexSubjects(config.subjects);

describe('the shipped mapping', () => {
  test.each([
    ['physics', 'science'],
    ['  Physics ', 'science'],
    ['PHYSICS', 'science'],
    ['物理学', 'science'],
    ['物理學', 'science'],
    ['ｐｈｙｓｉｃｓ', 'science'],
    ['history', 'humanities'],
    ['歷史', 'humanities'],
    ['计算机科学', 'computing'],
    ['計算機科學', 'computing'],
    ['computer  science', 'computing'],
    ['economics', 'economics'],
    ['经济学', 'economics'],
    ['法学', 'law'],
    ['O4', 'science'],
    ['Ｏ４', 'science'],
    ['TP3', 'computing'],
    ['TP311.13', 'computing'],
    ['TN91', 'engineering'],
    ['K2', 'humanities'],
    ['R', 'medicine'],
    ['S', 'agriculture'],
    ['D9', 'law'],
    ['D6', 'social-sciences'],
    ['F8', 'economics'],
    ['G4', 'education'],
    ['J2', 'arts'],
    ['B84', 'social-sciences'],
    ['science', 'science'],
    ['Science', 'science'],
    ['內科學', 'medicine'],
    ['歴史学', 'humanities'],
    ['経済学', 'economics'],
    ['機械工学', 'engineering'],
  ])('%s is %s', (written, term) => {
    expect(classify(index, written)).toBe(term);
  });

  test('words that look like no class stay unmapped: a lower-case or two-letter word is not a class number', () => {
    for (const written of ['basket weaving', 'it-ish', 'AI-ish', 'IX', 'Z', 'o4']) expect(classify(index, written), written).toBeUndefined();
  });

  test('maps each subject once, adds the journal’s subject, and keeps what maps to nothing', () => {
    const citation: Citation = { subjects: ['physics', '物理学', 'O4', 'basket weaving'], issn: '0140-6736' };
    expect(normaliseSubjects(index, citation)).toEqual({ subjects: ['science', 'medicine'], unmapped: ['basket weaving'] });
    expect(normaliseSubjects(index, { issn: '0031-9007' })).toEqual({ subjects: ['science'], unmapped: [] });
    expect(normaliseSubjects(index, { title: 'x' })).toEqual({ subjects: undefined, unmapped: [] });
  });

  test('reads several subjects a catalogue exported into one field, and keeps the field when no part maps', () => {
    expect(normaliseSubjects(index, { subjects: ['TP391.41;TP18'] })).toEqual({ subjects: ['computing', 'engineering'], unmapped: [] });
    expect(normaliseSubjects(index, { subjects: ['经济学，管理学'] })).toEqual({ subjects: ['economics', 'social-sciences'], unmapped: [] });
    expect(normaliseSubjects(index, { subjects: ['basket weaving; pottery'] })).toEqual({ subjects: [], unmapped: ['basket weaving; pottery'] });
  });
});

function physicsArticle(subjects: string[] | undefined, extra: Partial<Citation> = {}): IllRequest {
  return {
    id: 'hrbeu-physics',
    requester: { libraryId: 'hrbeu', patronId: 'S1' },
    service: 'copy',
    urgency: 'normal',
    citation: { title: 'Gravitational waves', language: 'en', year: 2016, ...(subjects && { subjects }), ...extra },
  };
}

describe('rules written for the vocabulary fire for subjects as readers write them', () => {
  const compiled = compile(shipped);
  const reference = createReference(shipped);
  const both = async (request: IllRequest) => {
    const input = { request, holdings: [], now: '2026-03-02' };
    const decision = route(compiled, input);
    expect(await routeWithReference(reference, input)).toEqual(decision);
    return decision;
  };
  const nstlRules = (decision: { rota: { supplierId: string; rules: string[] }[] }) => decision.rota.find((entry) => entry.supplierId === 'nstl')?.rules ?? [];

  test.each([[['physics']], [['物理學']], [['O4']], [['Physics', 'basket weaving']]])('a physics article with subjects %j goes to NSTL first', async (subjects) => {
    const decision = await both(physicsArticle(subjects));
    expect(nstlRules(decision)).toContain('foreign-sci-tech-to-nstl');
    expect(decision.rota[0]?.supplierId).toBe('nstl');
  });

  test('so does one that names only its journal', async () => {
    const decision = await both(physicsArticle(undefined, { issn: '0031-9007' }));
    expect(nstlRules(decision)).toContain('foreign-sci-tech-to-nstl');
  });

  test('without the mapping the rule would not fire', async () => {
    const { subjects: _mapping, ...unmapped } = shipped;
    const decision = route(compile(unmapped), { request: physicsArticle(['physics']), holdings: [], now: '2026-03-02' });
    expect(nstlRules(decision)).not.toContain('foreign-sci-tech-to-nstl');
  });

  test('subjects that map to nothing are reported in the decision, never dropped silently', async () => {
    const decision = await both(physicsArticle(['physics', 'basket weaving', '  ']));
    expect(decision.unmappedSubjects).toEqual(['basket weaving', '  ']);
    expect(nstlRules(decision)).toContain('foreign-sci-tech-to-nstl');
    expect(await both(physicsArticle(['physics']))).not.toHaveProperty('unmappedSubjects');
  });
});

describe('ill check holds the configuration to the vocabulary', () => {
  const copies = configCopies();
  const problems = (copy: ConfigCopy) => {
    const loaded = loadNetwork(copy.dir);
    expect(loaded.config).toBeUndefined();
    return copy.lines(loaded.problems);
  };

  test('the mapping names only terms of the vocabulary, and each word once', () => {
    const copy = copies();
    copy.patch('subjects.yaml', '  O: science ', '  O: sciense ');
    copy.patch('subjects.yaml', '  law: [法学,', '  law: [物理學, 法学,');
    copy.patch('subjects.yaml', '  0028-0836: science ', '  0028-0836: nature ');
    copy.patch('subjects.yaml', '  military: [military science', '  militery: [military science');
    copy.patch('subjects.yaml', '  education: [教育,', '  education: [law, 教育,');
    expect(problems(copy)).toEqual([
      `${copy.at('subjects.yaml', 'sciense ')}: unknown subject 'sciense' (did you mean 'science'?)`,
      `${copy.at('subjects.yaml', '[物理學', 1)}: duplicate subject word '物理学' (first defined at ${copy.at('subjects.yaml', '物理学,')})`,
      `${copy.at('subjects.yaml', 'law, 教育')}: 'law' is itself the subject 'law' and cannot stand for 'education'`,
      `${copy.at('subjects.yaml', 'militery:')}: unknown subject 'militery' (did you mean 'military'?)`,
      `${copy.at('subjects.yaml', 'nature ')}: unknown subject 'nature' (expected one of: science, engineering, computing, medicine, agriculture, humanities, social-sciences, economics, law, education, arts, military)`,
    ].sort());
  });
});
