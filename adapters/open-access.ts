import type { FoundCopy, SupplierAdapter, SupplierReply } from './adapter';
import { callSupplier, unexpected, type Call, type HttpOptions, type Target } from './http';

export interface OpenAccessOptions extends HttpOptions {
  /** Unpaywall asks every caller for a contact address, and refuses calls without one. */
  email: string;
}


/** Unpaywall's DOI object, as far as it is read here. */
interface DoiRecord {
  is_oa?: unknown;
  best_oa_location?: { url?: string | null; url_for_pdf?: string | null; license?: string | null } | null;
}

// Readers paste DOIs as links or with a scheme; Unpaywall wants the bare `10.` form.
const DOI_PREFIX = /^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/i;

/** The best open copy of a DOI, or why there is none. */
async function lookUp(target: Target, doi: string, { email, ...http }: OpenAccessOptions): Promise<{ copy: FoundCopy } | { miss: string }> {
  const bare = doi.trim().replace(DOI_PREFIX, '');
  // A DOI's slashes are path separators to Unpaywall; anything else in it is escaped.
  const path = `/v2/${bare.split('/').map(encodeURIComponent).join('/')}?email=${encodeURIComponent(email)}`;
  const call: Call = { method: 'GET', path, answers: [404] };
  const { status, body } = await callSupplier(target, call, http);
  if (status === 404) return { miss: `the open-access resolver does not know DOI ${bare}` };
  const { is_oa, best_oa_location: best } = (body ?? {}) as DoiRecord;
  if (typeof is_oa !== 'boolean') throw unexpected(call, body);
  // Unpaywall gives empty strings as well as nulls for what a location lacks.
  const url = best?.url_for_pdf || best?.url;
  if (!is_oa || !url) return { miss: `no open-access copy of DOI ${bare} is known` };
  return { copy: { url, license: best?.license ?? undefined } };
}

/**
 * The open-access resolver, an Unpaywall-shaped API (https://unpaywall.org/products/api):
 * `GET {endpoint}/v2/{doi}?email=...` answers the DOI object, whose `best_oa_location` holds the
 * best open copy; 404 means the DOI is unknown, 422 that the email is missing. An open copy fills
 * the request at no cost; no DOI, an unknown DOI or a closed article is Unfilled.
 */
export function createOpenAccessAdapter({ reply, ...options }: OpenAccessOptions & { reply: SupplierReply }): SupplierAdapter {
  return {
    async send(order, supplier) {
      const { doi } = order.request.citation;
      const found = doi ? await lookUp(supplier, doi, options) : { miss: 'the citation has no DOI to look an open copy up by' };
      await reply(
        order.requestId,
        'copy' in found
          ? { supplierId: supplier.id, status: 'CopyCompleted', deliveryUrl: found.copy.url, cost: { amount: 0, currency: supplier.cost.currency } }
          : { supplierId: supplier.id, status: 'Unfilled', reason: found.miss },
      );
    },
    // A resolver holds nothing for a request, so no notice leaves it anything to do.
    notify: async () => undefined,
    async findCopy(request, supplier) {
      const { doi } = request.citation;
      if (!doi) return undefined;
      const found = await lookUp(supplier, doi, options);
      return 'copy' in found ? found.copy : undefined;
    },
  };
}
