// An Unpaywall-shaped open-access resolver: `GET /v2/{doi}?email=...` answers Unpaywall's DOI object.
import { fakeSupplier, type FakeAnswer, type FakeSupplier, type FakeSupplierOptions } from './vendor';

export interface OpenAccessArticle {
  doi: string;
  /** The best open copy; absent when the article is closed. */
  openCopy?: {
    landingPage: string;
    pdf?: string;
    license?: string;
    hostType: 'publisher' | 'repository';
    version?: 'submittedVersion' | 'acceptedVersion' | 'publishedVersion';
  };
}

export interface FakeOpenAccessOptions extends FakeSupplierOptions {
  /** The DOIs it knows: a list, or for a simulated world what it knows of a DOI. */
  articles: OpenAccessArticle[] | ((doi: string) => OpenAccessArticle | undefined);
}

export interface OpenAccessCounts {
  lookups: number;
}

// Unpaywall's own error shape, unlike the contracts of the vendors and the e-book platform.
const failure = (status: number, message: string): FakeAnswer => ({ status, body: { HTTP_status_code: status, error: true, message } });

function location(copy: NonNullable<OpenAccessArticle['openCopy']>) {
  return {
    // Unpaywall's `url` is the PDF where there is one, else the landing page.
    url: copy.pdf ?? copy.landingPage,
    url_for_pdf: copy.pdf ?? null,
    url_for_landing_page: copy.landingPage,
    license: copy.license ?? null,
    host_type: copy.hostType,
    version: copy.version ?? null,
    is_best: true,
  };
}

export function fakeOpenAccess(options: FakeOpenAccessOptions): FakeSupplier<OpenAccessCounts> {
  const counts: OpenAccessCounts = { lookups: 0 };
  return fakeSupplier(options, counts, ({ method, path, query }) => {
    if (method !== 'GET' || !path.startsWith('/v2/')) return failure(404, `no route ${method} ${path}`);
    if (!query.get('email')) return failure(422, 'Please add an email parameter to your request: ?email=you@example.com');
    counts.lookups++;
    const doi = decodeURIComponent(path.slice('/v2/'.length)).toLowerCase();
    const { articles } = options;
    const article = typeof articles === 'function' ? articles(doi) : articles.find((entry) => entry.doi.toLowerCase() === doi);
    if (!article) return failure(404, `'${doi}' is not a DOI Unpaywall knows`);
    const best = article.openCopy && location(article.openCopy);
    return {
      status: 200,
      body: { doi, doi_url: `https://doi.org/${doi}`, is_oa: best !== undefined, best_oa_location: best ?? null, oa_locations: best ? [best] : [] },
    };
  });
}
