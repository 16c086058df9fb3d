import { describe, expect, it } from 'vitest';
import type { Citation } from '../domain/request';
import { findSameDocument, sameDocument, titleKey } from './citation-match';

describe('titles as compared', () => {
  it('agree across traditional and simplified characters, full-width forms, case, punctuation and spaces', () => {
    expect(titleKey('中國近代史')).toBe(titleKey('中国近代史'));
    expect(titleKey('《中國近代史綱要》')).toBe(titleKey('中国 近代史 纲要'));
    expect(titleKey('ＤＥＥＰ　Learning: a Review')).toBe('deeplearningareview');
    expect(titleKey('Straße')).toBe(titleKey('STRASSE'));
    expect(titleKey('中国近代史')).not.toBe(titleKey('中国现代史'));
  });
});

describe('the same document', () => {
  const article: Citation = { title: 'Deep learning', journalTitle: 'Nature', issn: '0028-0836', volume: '521', pages: '436-444', doi: '10.1038/nature14539' };

  it('by DOI, whatever its case', () => {
    expect(sameDocument({ doi: '10.1038/NATURE14539' }, { doi: '10.1038/nature14539', title: 'Another title' })).toBe('doi');
  });

  it('never when the DOIs differ, though all else agrees', () => {
    expect(sameDocument(article, { ...article, doi: '10.1038/nature14540' })).toBeUndefined();
  });

  it('by ISSN, volume and pages, however the ISSN and pages are written', () => {
    expect(sameDocument({ issn: '00280836', volume: '521', pages: '436–444' }, { issn: '0028-0836', volume: '521', pages: '436 - 444', title: 'Other' })).toBe('issn-volume-pages');
    expect(sameDocument({ issn: '0028-0836', volume: '521', pages: '436-444' }, { issn: '0028-0836', volume: '522', pages: '436-444' })).toBeUndefined();
    expect(sameDocument({ issn: '0028-0836', volume: '521' }, { issn: '0028-0836', volume: '521' })).toBeUndefined();
  });

  it('by ISBN, an ISBN-10 as its ISBN-13, but not two chapters of one book', () => {
    expect(sameDocument({ isbn: '0306406152' }, { isbn: '9780306406157' })).toBe('isbn');
    expect(sameDocument({ isbn: '9780306406157', pages: '1-20' }, { isbn: '9780306406157', pages: '21-40' })).toBeUndefined();
    expect(sameDocument({ isbn: '9780306406157' }, { isbn: '9787101003055' })).toBeUndefined();
  });

  it('by title in traditional and simplified characters', () => {
    expect(sameDocument({ title: '中國近代史' }, { title: '中国近代史', isbn: '9787101003055' })).toBe('title');
  });

  it('not by a title two journals share', () => {
    expect(sameDocument({ title: 'Editorial', journalTitle: 'Nature' }, { title: 'Editorial', journalTitle: 'Science' })).toBeUndefined();
    expect(sameDocument({ title: 'Editorial', journalTitle: 'Nature' }, { title: 'EDITORIAL.', journalTitle: 'nature' })).toBe('title');
  });

  it('not by a title that is nothing but punctuation', () => {
    expect(sameDocument({ title: '……' }, { title: '——' })).toBeUndefined();
  });

  it('finds the first open request naming the same document', () => {
    const open = [
      { id: 'a', citation: { title: '中国现代史' } },
      { id: 'b', citation: { title: '中國近代史' } },
    ];
    expect(findSameDocument({ title: '中国近代史' }, open, (item) => item.citation)).toEqual({ item: open[1], rule: 'title' });
    expect(findSameDocument({ title: '中国古代史' }, open, (item) => item.citation)).toBeUndefined();
  });
});
