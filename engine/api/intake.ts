// What a new request is checked against before it is saved: the reader's open requests. A reader
// asking again for a document they already have open is told which request has it (most often the
// same link followed from a second discovery system), and nobody has more requests open at once
// than the library allows them.
import type { IllRequest } from '../../domain/request';
import type { RefusalCode } from '../../domain/refusals';
import { findSameDocument, type MatchRule } from '../../rules/citation-match';
import type { NetworkPolicy } from '../../rules/types';
import type { NetworkHolder } from '../network';
import type { Admission } from '../store/store';
import { HttpError } from './http-error';

/** `POST /api/requests?duplicate=confirm`: the reader means to ask again for a document they have open. */
export const CONFIRM_DUPLICATE = { parameter: 'duplicate', value: 'confirm' } as const;

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
 * How a new request is judged against its reader's open requests (see `Admission`): refused, with
 * 409, when it names a document the reader has open already (unless `confirmed`) or when the reader
 * is at their cap. Whoever submits it, a librarian or the centre for a reader included, is held to
 * the same: the cap is the reader's share of the network.
 */
export function admission(network: Pick<NetworkHolder, 'current'>, request: IllRequest, confirmed: boolean): Admission {
  const { libraryId, patronId } = request.requester;
  return (open) => {
    if (!confirmed) {
      const same = findSameDocument(request.citation, open, (stored) => stored.request.citation);
      if (same) {
        const id = same.item.request.id;
        throw new HttpError(
          409,
          `reader ${patronId} of ${libraryId} has request ${id} open for this document (${RULES[same.rule]}); to ask for it again, send the request with ?${CONFIRM_DUPLICATE.parameter}=${CONFIRM_DUPLICATE.value}`,
          { code: 'duplicate' satisfies RefusalCode, duplicateOf: id },
        );
      }
    }
    const quota = openRequestCap(network.current().config.policy, libraryId);
    if (quota && open.length >= quota.cap) {
      const who = quota.setBy === 'library' ? `${libraryId} allows its readers` : `the network allows a reader of ${libraryId}`;
      throw new HttpError(409, `reader ${patronId} of ${libraryId} has ${open.length} requests open, the most ${who} (${quota.cap}); one must end before another is taken`, {
        code: 'quota' satisfies RefusalCode,
        quota: { libraryId, openRequestsPerReader: quota.cap, setBy: quota.setBy, open: open.length },
      });
    }
  };
}
