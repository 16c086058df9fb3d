import { describe, expect, it } from 'vitest';
import { OpenUrlRefused, parseOpenUrl } from './openurl';
import { validateRequest } from './request';

const parse = (query: string) => parseOpenUrl(new URLSearchParams(query));
const refusal = (query: string) => {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof OpenUrlRefused) return { key: error.key, message: error.message };
    throw error;
  }
  throw new Error('the link was read');
};

const JOURNAL_1_0 =
  'url_ver=Z39.88-2004&url_ctx_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Actx&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article' +
  '&rft.atitle=Deep+learning&rft.jtitle=Nature&rft.issn=0028-0836&rft.date=2015-05-28&rft.volume=521&rft.issue=7553&rft.spage=436&rft.epage=444' +
  '&rft.aulast=LeCun&rft.aufirst=Yann&rft.au=Bengio%2C+Yoshua&rft_id=info%3Adoi%2F10.1038%2Fnature14539&rft_id=info%3Apmid%2F26017442&rft.language=eng' +
  '&rfr_id=info%3Asid%2Fprimo.exlibrisgroup.com';

describe('OpenURL 1.0 links', () => {
  it('reads a journal article into a copy request of the schema', () => {
    const draft = parse(JOURNAL_1_0);
    expect(draft).toEqual({
      citation: {
        documentType: 'article',
        title: 'Deep learning',
        journalTitle: 'Nature',
        authors: ['LeCun, Yann', 'Bengio, Yoshua'],
        issn: '0028-0836',
        doi: '10.1038/nature14539',
        year: 2015,
        volume: '521',
        issue: '7553',
        pages: '436-444',
        language: 'en',
      },
      service: 'copy',
      problems: [],
      source: { openurl: '1.0', referrer: 'info:sid/primo.exlibrisgroup.com', pmid: '26017442' },
    });
    const { problems } = validateRequest({ id: 'r-1', requester: { libraryId: 'pku', patronId: 'p-1' }, service: draft.service, urgency: 'normal', citation: draft.citation }, 'draft');
    expect(problems).toEqual([]);
  });

  it('reads a book into a loan, its ISBN-10 as ISBN-13', () => {
    const draft = parse(
      'url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=book&rft.btitle=The+Structure+of+Scientific+Revolutions&rft.isbn=0-226-45808-3&rft.date=1996&rft.au=Kuhn,+Thomas+S.',
    );
    expect(draft).toMatchObject({
      citation: { documentType: 'book', title: 'The Structure of Scientific Revolutions', isbn: '9780226458083', year: 1996, authors: ['Kuhn, Thomas S.'] },
      service: 'loan',
      problems: [],
    });
    expect(draft.citation.journalTitle).toBeUndefined();
  });

  it('reads a chapter as a copy of its pages, the book as its container', () => {
    const draft = parse(
      'url_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook&rft.genre=bookitem&rft.atitle=Paradigms&rft.btitle=Scientific+Revolutions&rft.isbn=9780226458083&rft.pages=23%E2%80%9334',
    );
    expect(draft).toMatchObject({
      citation: { documentType: 'chapter', title: 'Paradigms', journalTitle: 'Scientific Revolutions', isbn: '9780226458083', pages: '23-34' },
      service: 'copy',
    });
  });

  it('reads a Chinese article, percent-encoded, as Chinese', () => {
    const title = encodeURIComponent('基于深度学习的中文分词研究');
    const journal = encodeURIComponent('中文信息学报');
    const draft = parse(`rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.atitle=${title}&rft.jtitle=${journal}&rft.issn=1003-0077&rft.date=2021&rft.aulast=${encodeURIComponent('王')}&rft.aufirst=${encodeURIComponent('小明')}`);
    expect(draft.citation).toEqual({
      documentType: 'article',
      title: '基于深度学习的中文分词研究',
      journalTitle: '中文信息学报',
      issn: '1003-0077',
      year: 2021,
      authors: ['王小明'],
      language: 'zh',
    });
    expect(draft.source.openurl).toBe('1.0');
  });

  it('reports a bad check digit, a date without a year and an unknown genre as problems, leaving them out', () => {
    const draft = parse('url_ver=Z39.88-2004&rft.genre=thing&rft.atitle=Deep+learning&rft.jtitle=Nature&rft.issn=0028-0837&rft.eissn=1476-4687&rft.date=spring&rft.isbn=0306406153');
    expect(draft.citation).toEqual({ documentType: 'article', title: 'Deep learning', journalTitle: 'Nature', issn: '1476-4687' });
    expect(draft.problems).toEqual([
      { key: 'rft.genre', message: "'thing' is not a genre this service knows; the document type is read from the other keys" },
      { key: 'rft.isbn', message: 'ISBN 0306406153 has a wrong check digit (2 expected)' },
      { key: 'rft.issn', message: 'ISSN 0028-0837 has a wrong check digit (6 expected)' },
      { key: 'rft.date', message: "'spring' gives no year (YYYY, YYYY-MM or YYYY-MM-DD)" },
    ]);
  });

  it('keeps the first of a key repeated with different values and says so; a repeat of the same value is no problem', () => {
    const draft = parse('rft.atitle=First&rft.atitle=Second&rft.jtitle=Nature&rft.jtitle=Nature&rft_id=info:doi/10.1000/one&rft_id=info:doi/10.1000/two');
    expect(draft.citation).toMatchObject({ title: 'First', journalTitle: 'Nature', doi: '10.1000/one' });
    expect(draft.problems).toEqual([
      { key: 'rft_id', message: "names 2 DOIs; '10.1000/one' is kept" },
      { key: 'rft.atitle', message: "given 2 times; 'First' is kept" },
    ]);
  });

  it('puts the end page before the start page right by keeping the start', () => {
    const draft = parse('rft.atitle=A&rft.jtitle=B&rft.spage=40&rft.epage=4');
    expect(draft.citation.pages).toBe('40');
    expect(draft.problems).toEqual([{ key: 'rft.epage', message: 'ends (4) before the start page (40); only the start page is kept' }]);
  });
});

describe('OpenURL 0.1 links', () => {
  it('reads an article from genre, atitle, title, id=doi: and sid', () => {
    const draft = parse('sid=CNKI:CJFD&genre=article&atitle=Deep+learning&title=Nature&issn=00280836&date=2015&volume=521&spage=436&epage=444&aulast=LeCun&id=doi:10.1038/nature14539&id=pmid:26017442');
    expect(draft).toEqual({
      citation: { documentType: 'article', title: 'Deep learning', journalTitle: 'Nature', issn: '0028-0836', doi: '10.1038/nature14539', year: 2015, volume: '521', pages: '436-444', authors: ['LeCun'] },
      service: 'copy',
      problems: [],
      source: { openurl: '0.1', referrer: 'CNKI:CJFD', pmid: '26017442' },
    });
  });

  it('reads a book from genre and title, in traditional characters', () => {
    const draft = parse(`genre=book&title=${encodeURIComponent('中國近代史')}&isbn=7101003052&date=1999-01`);
    expect(draft).toMatchObject({ citation: { documentType: 'book', title: '中國近代史', isbn: '9787101003055', year: 1999, language: 'zh' }, service: 'loan', source: { openurl: '0.1' } });
  });

  it('reads a bookitem as a chapter whose book is the title', () => {
    const draft = parse('genre=bookitem&atitle=Paradigms&title=Scientific+Revolutions&spage=23&epage=34');
    expect(draft.citation).toMatchObject({ documentType: 'chapter', title: 'Paradigms', journalTitle: 'Scientific Revolutions', pages: '23-34' });
  });
});

describe('links that cannot be read', () => {
  it.each([
    ['percent-encoding that is not UTF-8 (a GBK link)', 'rft.atitle=%D6%D0%B9%FA&rft.jtitle=Nature', 'rft.atitle'],
    ['control characters', 'rft.jtitle=Nat%00ure', 'rft.jtitle'],
    ['a value longer than any title', `rft.atitle=${'x'.repeat(2001)}`, 'rft.atitle'],
    ['another OpenURL version', 'url_ver=Z39.88-2005&rft.atitle=A', 'url_ver'],
    ['a context format other than key/encoded-value', 'url_ctx_fmt=info:ofi/fmt:xml:xsd:ctx&rft.atitle=A', 'url_ctx_fmt'],
    ['a metadata format this service does not read', 'rft_val_fmt=info:ofi/fmt:kev:mtx:sch_svc&rft.atitle=A', 'rft_val_fmt'],
    ['nothing that names a document', 'rft.date=2015&rft.volume=3&foo=bar', 'rft.atitle'],
    ['only a broken identifier', 'rft.issn=1234-5678', 'rft.issn'],
    ['a format named after what every object has', 'rft_val_fmt=constructor&rft.atitle=A', 'rft_val_fmt'],
    ['too many parameters', Array.from({ length: 101 }, (_, n) => `k${n}=v`).join('&'), 'k100'],
  ])('refuses %s, naming the key', (_what, query, key) => {
    expect(refusal(query).key).toBe(key);
  });

  it('reads a genre named after what every object has as no genre', () => {
    for (const genre of ['__proto__', 'constructor', 'toString']) {
      const draft = parse(`rft.genre=${genre}&rft.atitle=A&rft.jtitle=B`);
      expect(draft.citation.documentType).toBe('article');
      expect(draft.problems).toEqual([expect.objectContaining({ key: 'rft.genre' })]);
    }
  });

  it('refuses an empty link and an unparseable one without throwing anything else', () => {
    expect(refusal('').message).toContain('names no document');
    expect(refusal('%%%&&&==&=%ZZ').key).toBe('rft.atitle');
  });
});
