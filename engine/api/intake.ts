// What a new request is checked against before it is saved: the reader's open requests. A reader
// asking again for a document they already have open is told which request has it (most often the
// same link followed from a second discovery system), and nobody has more requests open at once
// than the library allows them.
import type { IllRequest } from '../../domain/request';
import { findSameDocument, type MatchRule } from '../../rules/citation-match';
import type { NetworkPolicy } from '../../rules/types';
import type { NetworkHolder } from '../network';
import type { RequestStore } from '../store/store';
import { HttpError } from './http-error';

/** `POST /api/requests?duplicate=confirm`: the reader means to ask again for a document they have open. */
export const CONFIRM_DUPLICATE = { parameter: 'duplicate', value: 'confirm' } as const;

export interface IntakeDeps {
  store: Pick<RequestStore, 'getRequest' | 'openRequestsOf'>;
  network: Pick<NetworkHolder, 'current'>;
}

const RULES: Record<MatchRule, string> = {
  doi: 'the same DOI',
  'issn-volume-pages': 'the same ISSN, volume and pages',
  isbn: 'the same ISBN',
  title: 'the same title',
};

/** The most requests a reader of `libraryId` may have open at once, and whether the library or the network set it; none when the policy sets no cap. */
export function openRequestCap(policy: NetworkPolicy, libraryId: string): { cap: number; setBy: 'library' | 'network' } | undefined {
  const own = policy.quotas?.libraries?.[libraryId];
  if (own !== undefined) return { cap: own, setBy: 'library' };
  return policy.quotas && { cap: policy.quotas.openRequestsPerReader, setBy: 'network' };
}

/**
 * Refuses, with 409, a request naming a document the reader has open already (unless confirmed) or
 * one past the reader's cap. Whoever submits it, a librarian or the centre for a reader included, is
 * held to the same: the cap is the reader's share of the network. A request whose id is known is
 * the client's retry, answered as before, and is not checked again.
 */
export async function admitRequest({ store, network }: IntakeDeps, request: IllRequest, query: Record<string, string | string[] | undefined>): Promise<void> {
  const answer = query[CONFIRM_DUPLICATE.parameter];
  if (answer !== undefined && answer !== CONFIRM_DUPLICATE.value) {
    throw new HttpError(400, `${CONFIRM_DUPLICATE.parameter} must be '${CONFIRM_DUPLICATE.value}'`, {
      problems: [{ path: `/query/${CONFIRM_DUPLICATE.parameter}`, message: `must be '${CONFIRM_DUPLICATE.value}'` }],
    });
  }
  if (await store.getRequest(request.id)) return;
  const { libraryId, patronId } = request.requester;
  const open = await store.openRequestsOf(libraryId, patronId);
  if (answer === undefined) {
    const same = findSameDocument(request.citation, open, (stored) => stored.request.citation);
    if (same) {
      const id = same.item.request.id;
      throw new HttpError(
        409,
        `reader ${patronId} of ${libraryId} has request ${id} open for this document (${RULES[same.rule]}); to ask for it again, send the request with ?${CONFIRM_DUPLICATE.parameter}=${CONFIRM_DUPLICATE.value}`,
        { duplicateOf: id },
      );
    }
  }
  const quota = openRequestCap(network.current().config.policy, libraryId);
  if (quota && open.length >= quota.cap) {
    const who = quota.setBy === 'library' ? `${libraryId} allows its readers` : `the network allows a reader of ${libraryId}`;
    throw new HttpError(409, `reader ${patronId} of ${libraryId} has ${open.length} requests open, the most ${who} (${quota.cap}); one must end before another is taken`, {
      quota: { libraryId, openRequestsPerReader: quota.cap, setBy: quota.setBy, open: open.length },
    });
  }
}
