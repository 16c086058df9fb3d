// OpenURL links from discovery systems (Z39.88-2004 key/encoded-value, and the older 0.1 links
// many still send) read into a draft request the reader confirms. A value the request cannot keep
// (a bad check digit, a date without a year) is left out and named among the draft's problems; a
// link that is not text at all, or names no document, is refused naming the key.
import { checkDoi, checkIsbn, checkIssn, type Checked } from '../domain/identifiers';
import type { Citation, DocumentType, Service } from '../domain/request';
import { languageCodeOf } from './vocabulary';

export interface OpenUrlProblem {
  /** The key of the link the problem is about, as the link wrote it. */
  key: string;
  message: string;
}

export interface OpenUrlDraft {
  citation: Citation;
  /** What the reader most likely wants: a loan of a book, a copy of anything else. */
  service: Service;
  problems: OpenUrlProblem[];
  source: {
    openurl: '1.0' | '0.1';
    /** The discovery system that made the link (`rfr_id`, or 0.1's `sid`). */
    referrer?: string;
    /** PubMed id from `info:pmid/` or `pmid:`: the request schema has no field for it, so it is kept beside the citation. */
    pmid?: string;
  };
}

type Value = { key: string; value: string };

/** A link that cannot be read at all: `key` names where it went wrong. */
export class OpenUrlRefused extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'OpenUrlRefused';
  }
}

/** Links are a few hundred characters; these bound what one may make the service read. */
export const OPENURL_LIMITS = { parameters: 100, valueLength: 2000 } as const;

const KEV_CONTEXT = 'info:ofi/fmt:kev:mtx:ctx';
const FORMATS: Record<string, DocumentType | undefined> = {
  'info:ofi/fmt:kev:mtx:journal': undefined,
  'info:ofi/fmt:kev:mtx:book': undefined,
  'info:ofi/fmt:kev:mtx:dissertation': 'thesis',
  'info:ofi/fmt:kev:mtx:patent': 'patent',
};

/** Genres of the journal and book formats, and of 0.1 links, as the request's document types. */
const GENRES: Record<string, DocumentType | 'container'> = {
  article: 'article',
  preprint: 'article',
  bookitem: 'chapter',
  chapter: 'chapter',
  book: 'book',
  report: 'book',
  document: 'book',
  proceeding: 'conference-paper',
  conference: 'conference-paper',
  dissertation: 'thesis',
  thesis: 'thesis',
  patent: 'patent',
  // A whole journal or issue cannot be copied as one document; the reader says which part.
  journal: 'container',
  issue: 'container',
};

// A replacement character is what URLSearchParams leaves of percent-encoding that is not UTF-8
// (GBK links from older Chinese systems); control characters have no place in a citation.
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/;

const CJK = /\p{Script=Han}/u;

/** The values of a link's keys, checked as text when read. */
class Link {
  constructor(private readonly params: URLSearchParams) {
    let count = 0;
    for (const [key] of params) {
      if (++count > OPENURL_LIMITS.parameters) throw new OpenUrlRefused(key, `the link has more than ${OPENURL_LIMITS.parameters} parameters`);
    }
  }

  /** Every distinct non-empty value of the first of `keys` the link has. */
  all(...keys: string[]): { key: string; values: string[] } | undefined {
    for (const key of keys) {
      const values = [...new Set(this.params.getAll(key).map((value) => value.trim()))].filter((value) => value !== '');
      for (const value of values) {
        if (NOT_TEXT.test(value)) throw new OpenUrlRefused(key, 'is not text: control characters, or percent-encoding that is not UTF-8');
        if (value.length > OPENURL_LIMITS.valueLength) throw new OpenUrlRefused(key, `is longer than ${OPENURL_LIMITS.valueLength} characters`);
      }
      if (values.length > 0) return { key, values };
    }
    return undefined;
  }
}

/**
 * Reads an OpenURL 1.0 or 0.1 link. Keys of both versions may stand in one link (some systems send
 * both); a 1.0 key wins over its 0.1 namesake. Keys this service does not know are ignored, as the
 * standard asks.
 */
export function parseOpenUrl(params: URLSearchParams): OpenUrlDraft {
  const link = new Link(params);
  const problems: OpenUrlProblem[] = [];

  /** One value: a link repeating a key with different values has the first kept and is told so. */
  const one = (...keys: string[]): Value | undefined => {
    const found = link.all(...keys);
    if (!found) return undefined;
    if (found.values.length > 1) problems.push({ key: found.key, message: `given ${found.values.length} times; '${found.values[0]}' is kept` });
    return { key: found.key, value: found.values[0]! };
  };
  const text = (...keys: string[]) => one(...keys)?.value;
  /** Each value of each key, with its key. */
  const valuesOf = (...keys: string[]): Value[] => keys.flatMap((key) => (link.all(key)?.values ?? []).map((value) => ({ key, value })));
  /** Each value that checks out, in the form kept, once; those that do not are named among the problems. */
  const checked = (check: (text: string) => Checked, values: Value[]): string[] => {
    const kept = new Set<string>();
    for (const { key, value } of values) {
      const result = check(value);
      if ('value' in result) kept.add(result.value);
      else problems.push({ key, message: result.problem });
    }
    return [...kept];
  };

  const version = link.all('url_ver');
  if (version && version.values.some((value) => value !== 'Z39.88-2004')) throw new OpenUrlRefused('url_ver', `'${version.values[0]}' is not an OpenURL version this service reads (Z39.88-2004)`);
  const context = link.all('url_ctx_fmt');
  if (context && context.values.some((value) => value !== KEV_CONTEXT)) throw new OpenUrlRefused('url_ctx_fmt', `'${context.values[0]}' is not a context format this service reads (${KEV_CONTEXT})`);
  const format = one('rft_val_fmt')?.value;
  if (format !== undefined && !Object.hasOwn(FORMATS, format)) {
    throw new OpenUrlRefused('rft_val_fmt', `'${format}' is not a format this service reads (${Object.keys(FORMATS).join(', ')})`);
  }
  const isOne = version !== undefined || format !== undefined || [...params.keys()].some((key) => key.startsWith('rft.') || key === 'rft_id');

  const ids = valuesOf('rft_id', 'id');
  const dois = checked(checkDoi, ids.filter(({ value }) => /^(?:info:doi\/|doi:|https?:\/\/(?:dx\.)?doi\.org\/)/i.test(value)));
  if (dois.length > 1) problems.push({ key: 'rft_id', message: `names ${dois.length} DOIs; '${dois[0]}' is kept` });
  const pmid = ids.map(({ value }) => /^(?:info:pmid\/|pmid:)([0-9]+)$/i.exec(value)?.[1]).find((found) => found !== undefined);
  const isbnIds = ids.flatMap(({ key, value }) => {
    const isbn = /^urn:isbn:(.+)$/i.exec(value)?.[1];
    return isbn ? [{ key, value: isbn }] : [];
  });

  const genreFound = one('rft.genre', 'genre');
  const genre = genreFound?.value.toLowerCase();
  let documentType: DocumentType | 'container' | undefined = genre !== undefined && Object.hasOwn(GENRES, genre) ? GENRES[genre] : undefined;
  if (genreFound && documentType === undefined && genre !== 'unknown') {
    problems.push({ key: genreFound.key, message: `'${genreFound.value}' is not a genre this service knows; the document type is read from the other keys` });
  }
  const articleTitle = text('rft.atitle', 'atitle');
  const bookTitle = text('rft.btitle');
  const [isbn] = checked(checkIsbn, [...valuesOf('rft.isbn', 'isbn'), ...isbnIds]);
  const isBookFormat = format === 'info:ofi/fmt:kev:mtx:book';
  documentType ??= format ? FORMATS[format] : undefined;
  documentType ??= isBookFormat || bookTitle || isbn ? (articleTitle ? 'chapter' : 'book') : articleTitle ? 'article' : undefined;
  const isBook = documentType === 'book' || documentType === 'chapter' || (documentType === undefined && isBookFormat);

  // `title` is the journal's in a journal link and the book's in a book link (in 0.1 too).
  const containerTitle = isBook ? (bookTitle ?? text('rft.title', 'title')) : text('rft.jtitle', 'rft.title', 'title', 'rft.stitle', 'stitle');
  const citation: Citation = {};
  if (documentType && documentType !== 'container') citation.documentType = documentType;
  if (documentType === 'book') {
    const title = containerTitle ?? articleTitle;
    if (title) citation.title = title;
  } else {
    if (articleTitle) citation.title = articleTitle;
    if (containerTitle) citation.journalTitle = containerTitle;
  }
  const authors = authorsOf(text('rft.aulast', 'aulast'), text('rft.aufirst', 'aufirst') ?? text('rft.auinit', 'auinit'), link.all('rft.au', 'au')?.values ?? []);
  if (authors.length > 0) citation.authors = authors;
  const [issn] = checked(checkIssn, valuesOf('rft.issn', 'issn', 'rft.eissn', 'eissn'));
  if (issn) citation.issn = issn;
  if (isbn) citation.isbn = isbn;
  if (dois[0]) citation.doi = dois[0];
  const date = one('rft.date', 'date');
  if (date) {
    const year = /^([12][0-9]{3})(?:$|[-/.\s])/.exec(date.value)?.[1];
    if (year) citation.year = Number(year);
    else problems.push({ key: date.key, message: `'${date.value}' gives no year (YYYY, YYYY-MM or YYYY-MM-DD)` });
  }
  for (const [field, keys] of [['volume', ['rft.volume', 'volume']], ['issue', ['rft.issue', 'issue']]] as const) {
    const value = text(...keys);
    if (value) citation[field] = value;
  }
  const pages = pagesOf(one('rft.spage', 'spage'), one('rft.epage', 'epage'), text('rft.pages', 'pages'), problems);
  if (pages) citation.pages = pages;
  const language = one('rft.language', 'language');
  if (language) {
    const code = languageCodeOf(language.value);
    if (code) citation.language = code;
    else problems.push({ key: language.key, message: `'${language.value}' is not a language this service knows (an ISO 639 code such as chi or zh, or its English name)` });
  }
  if (!citation.language && CJK.test(`${citation.title ?? ''}${citation.journalTitle ?? ''}`)) citation.language = 'zh';

  if (!citation.title && !citation.journalTitle && !citation.issn && !citation.isbn && !citation.doi) {
    const wrong = problems[0];
    throw new OpenUrlRefused(wrong?.key ?? 'rft.atitle', wrong ? `${wrong.message}, and the link names no document otherwise` : 'the link names no document: it has no title (rft.atitle, rft.jtitle, rft.btitle, rft.title), ISSN, ISBN or DOI (rft_id=info:doi/…)');
  }
  const referrer = text('rfr_id', 'sid');
  return {
    citation,
    service: documentType === 'book' ? 'loan' : 'copy',
    problems,
    source: { openurl: isOne ? '1.0' : '0.1', ...(referrer ? { referrer } : {}), ...(pmid ? { pmid } : {}) },
  };
}

/** `Family, Given` for names in Latin script, family and given run together in Chinese; then each `au` not already named. */
function authorsOf(last: string | undefined, first: string | undefined, full: string[]): string[] {
  const composed = last ? (first ? (CJK.test(last) ? `${last}${first}` : `${last}, ${first}`) : last) : undefined;
  return [...new Set([...(composed ? [composed] : []), ...full])];
}

function pagesOf(start: Value | undefined, end: Value | undefined, pages: string | undefined, problems: OpenUrlProblem[]): string | undefined {
  if (start && end) {
    if (/^[0-9]+$/.test(start.value) && /^[0-9]+$/.test(end.value) && Number(end.value) < Number(start.value)) {
      problems.push({ key: end.key, message: `ends (${end.value}) before the start page (${start.value}); only the start page is kept` });
      return start.value;
    }
    return `${start.value}-${end.value}`;
  }
  return pages?.replace(/\s*[\u2010-\u2015]\s*/g, '-') ?? start?.value;
}
