import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IllRequest } from '../domain/request';
import { configCopies, SHIPPED_CONFIG } from './config-fixture';
import { lookupHoldings } from './holdings';
import { loadNetwork } from './load';
import { licenses } from './local';
import { compile, route } from './route';

// Local first: the reader's own library, on its shelves or in what it licenses, before any supplier.

const loaded = loadNetwork(SHIPPED_CONFIG);
if (!loaded.config) throw new Error(`the shipped configuration has problems: ${JSON.stringify(loaded.problems)}`);
const config = loaded.config;
const compiled = compile(config);
const copies = configCopies();

const request = (libraryId: string, citation: IllRequest['citation']): IllRequest => ({
  id: 'local-1',
  requester: { libraryId, patronId: 'p-1' },
  service: 'copy',
  urgency: 'normal',
  citation,
});

const routed = (r: IllRequest) => route(compiled, { request: r, holdings: lookupHoldings(config, r), now: '2026-11-30' });

describe('local first', () => {
  it('serves a request its own library licenses, saying where, and asks no supplier', () => {
    const decision = routed(request('pku', { title: 'Graphene', journalTitle: 'Carbon', doi: '10.1016/J.CARBON.2020.01.001', year: 2020 }));
    expect(decision).toMatchObject({
      outcome: 'local',
      rota: [],
      tasks: [],
      local: { libraryId: 'pku', licence: { name: 'ScienceDirect (Elsevier)', url: 'https://www.sciencedirect.com' } },
    });
    expect(decision.local?.where).toBe('licensed by 北京大学图书馆 (Peking University Library): ScienceDirect (Elsevier) (https://www.sciencedirect.com)');
  });

  it('leaves to suppliers what the licence does not cover: other years, other libraries, other publishers', () => {
    expect(routed(request('pku', { title: 'Old', doi: '10.1016/0370-2693(90)90001-A', year: 1990 })).outcome).not.toBe('local');
    expect(routed(request('tsinghua', { title: 'Graphene', doi: '10.1016/j.carbon.2020.01.001', year: 2020 })).outcome).not.toBe('local');
    expect(routed(request('pku', { title: 'Antennas', doi: '10.1109/8.1234', year: 2020 })).outcome).not.toBe('local');
    expect(routed(request('tsinghua', { title: 'Antennas', doi: '10.1109/8.1234', year: 2020 })).outcome).toBe('local');
  });

  it('matches a licence by ISSN or ISBN within its years', () => {
    const jstor = config.licences.find((licence) => licence.library === 'fudan')!;
    expect(licenses(jstor, { title: 'x', issn: '0002-8762', year: 2019 })).toBe(true);
    expect(licenses(jstor, { title: 'x', issn: '0002-8762', year: 2021 })).toBe(false);
    expect(licenses(jstor, { title: 'x', issn: '0002-8762' })).toBe(true);
    expect(licenses(jstor, { title: 'x', issn: '0031-9007', year: 2019 })).toBe(false);
    expect(licenses({ library: 'x', name: 'e-books', isbns: ['9787020002207'] }, { title: 'x', isbn: '9787020002207' })).toBe(true);
  });

  it('prefers the library’s own shelf, with the call number and record to look for', () => {
    const prl = request('nju', { title: 'Observation of gravitational waves', journalTitle: 'Physical Review Letters', issn: '0031-9007', year: 1995 });
    const decision = routed(prl);
    expect(decision.outcome).toBe('local');
    expect(decision.local).toEqual({
      libraryId: 'nju',
      holding: { recordId: 'NJU-SER-0031-9007', callNumber: 'P5/PRL' },
      where: expect.stringMatching(/^held by .+ \(call number P5\/PRL, record NJU-SER-0031-9007\)$/),
    });
  });

  it('checks that every licence names a member library, and needs no licences file', () => {
    const copy = copies();
    copy.patch('licences.yaml', 'library: whu', 'library: whuu');
    const { config: none, problems } = loadNetwork(copy.dir);
    expect(none).toBeUndefined();
    expect(copy.lines(problems)).toEqual([`${copy.at('licences.yaml', 'whuu')}: unknown library 'whuu' (did you mean 'whu'?)`]);

    rmSync(join(copy.dir, 'licences.yaml'));
    expect(loadNetwork(copy.dir).config?.licences).toEqual([]);
  });

  it('refuses a licence that matches nothing', () => {
    const copy = copies();
    copy.patch('licences.yaml', "    doiPrefixes: ['10.1109/']\n", '');
    expect(loadNetwork(copy.dir).problems.map((p) => p.message).join('\n')).toMatch(/doiPrefixes|issns|isbns/);
  });
});
