import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IllRequest } from '../domain/request';
import { parse } from 'yaml';
import { configHoldings, lookupHoldings, readHoldingsLines, titleKey } from './holdings';
import { loadNetwork } from './load';

// Who holds an item, from the holdings data shipped with the example network.

const loaded = loadNetwork(path.resolve(__dirname, '../config'));
if (!loaded.config) throw new Error(`the shipped configuration has problems: ${JSON.stringify(loaded.problems)}`);
const config = loaded.config;

const request = (citation: IllRequest['citation'], holdings?: IllRequest['holdings']): IllRequest => ({
  id: 'h-1',
  requester: { libraryId: 'szu', patronId: 'p-1' },
  service: 'copy',
  urgency: 'normal',
  citation,
  ...(holdings ? { holdings } : {}),
});
const ids = (found: { libraryId: string }[]) => found.map((holding) => holding.libraryId);

describe('holdings lookup', () => {
  it('finds holders of a serial for the year and volume cited, with their records', () => {
    const prl = { journalTitle: 'Physical Review Letters', issn: '0031-9007' };
    expect(ids(lookupHoldings(config, request({ ...prl, year: 2016, volume: '116' })))).toContain('jlu');
    expect(ids(lookupHoldings(config, request({ ...prl, year: 1995, volume: '74' })))).not.toContain('jlu');
    expect(lookupHoldings(config, request({ ...prl, year: 1995 }))).toContainEqual({ libraryId: 'nju', recordId: 'NJU-SER-0031-9007', callNumber: 'P5/PRL' });
  });

  it('finds holders by ISBN, by DOI, and by title whatever its case, spacing and punctuation', () => {
    expect(ids(lookupHoldings(config, request({ isbn: '9787226032158' })))).toEqual(['lzu', 'nwu', 'xju']);
    expect(ids(lookupHoldings(config, request({ doi: '10.1103/PhysRevLett.116.061102' })))).toEqual(['nju', 'pku', 'ustc']);
    expect(ids(lookupHoldings(config, request({ title: ' 永乐大典。' })))).toEqual(['fudan', 'nju', 'pku']);
    expect(titleKey('Deep  Learning: A Review!')).toBe(titleKey('deep learning a review'));
  });

  it('takes the holders a request names, records and all, over the holdings data', () => {
    const named = request({ issn: '0031-9007' }, ['pku', { libraryId: 'nju', recordId: 'R-9' }]);
    expect(lookupHoldings(config, named)).toEqual([{ libraryId: 'pku' }, { libraryId: 'nju', recordId: 'R-9' }]);
  });

  it('finds nobody for an item nobody holds, and serves as a holdings lookup', async () => {
    expect(lookupHoldings(config, request({ title: 'A book nobody has' }))).toEqual([]);
    expect(ids(await configHoldings(() => config).holders(request({ isbn: '9787226032158' })))).toEqual(['lzu', 'nwu', 'xju']);
  });
});

describe('holdings lookup, by identifier and title together', () => {
  const holdings = {
    '1234-5679': ['zju', 'pku', 'fudan', 'pku'],
    'title:a journal': ['ustc', 'fudan'],
    '2345-6789': ['pku', { libraryId: 'nju', years: { from: 2000 } }],
  };
  it('gives each holder once, in the order of their ids, found under one key or several', () => {
    expect(ids(lookupHoldings({ holdings }, request({ issn: '1234-5679' })))).toEqual(['fudan', 'pku', 'zju']);
    expect(ids(lookupHoldings({ holdings }, request({ issn: '1234-5679', journalTitle: 'A Journal' })))).toEqual(['fudan', 'pku', 'ustc', 'zju']);
    expect(ids(lookupHoldings({ holdings }, request({ issn: '2345-6789', year: 1999 })))).toEqual(['pku']);
    expect(ids(lookupHoldings({ holdings }, request({ issn: '2345-6789', year: 2001 })))).toEqual(['nju', 'pku']);
  });

  it('gives a list of its own every time', () => {
    const first = lookupHoldings({ holdings }, request({ issn: '1234-5679' }));
    first[0]!.recordId = 'changed';
    first.pop();
    expect(lookupHoldings({ holdings }, request({ issn: '1234-5679' }))).toEqual([{ libraryId: 'fudan' }, { libraryId: 'pku' }, { libraryId: 'zju' }]);
  });
});

describe('a holdings file of one item a line, read without the YAML parser', () => {
  const exported = [
    '# yaml-language-server: $schema=schemas/holdings.schema.json',
    'holdings:',
    "  '0000-0019': [lib-0002, lib-0003, LIB_9]",
    '',
    '  # a comment between items',
    "  'title:deep learning': [pku]",
    '  1002-4921: [pku, ruc]',
    "  '10.1103/PhysRevLett.116.061102': []",
  ].join('\n');

  it('gives what the YAML parser gives', () => {
    expect(readHoldingsLines(exported)).toEqual(parse(exported));
    expect(readHoldingsLines(exported.replaceAll('\n', '\r\n'))).toEqual(parse(exported));
    const spaced = exported.replace('[pku, ruc]', '[ pku ,\truc\t]');
    expect(readHoldingsLines(spaced)).toEqual(parse(spaced));
  });

  it('reads nothing of a file of any other shape, for the YAML parser to read', () => {
    const other = [
      exported.replace('holdings:', 'holdings: # the union catalogue'),
      exported.replace('lib-0003', '{ libraryId: lib-0003, recordId: R-1 }'),
      exported.replace('lib-0003', 'true'),
      exported.replace('lib-0003', '2001'),
      exported.replace(' lib-0003', ' \u00a0lib-0003'),
      exported.replace('\n\n', '\n\u00a0\n'),
      exported.replace('[pku, ruc]', '\n    - pku'),
      exported.replace("'title:deep learning'", "'0000-0019'"),
      exported.replace("  'title", "   'title"),
      exported.replace('1002-4921', '9787226032158'),
      `${exported}\nlicences: []`,
      'holdings: {}',
      'holdings:\n',
      'holdings:\n  # nothing exported\n',
      `holdings:\n  '${'t'.repeat(1022)}': [pku]\n`,
      '',
    ];
    for (const text of other) expect(readHoldingsLines(text)).toBeUndefined();
    // The longest key YAML takes is still read here, as YAML reads it.
    const longest = `holdings:\n  '${'t'.repeat(1021)}': [pku]\n`;
    expect(readHoldingsLines(longest)).toEqual(parse(longest));
  });
});
