import type { IllRequest } from '../../rules/types';
import type { Caller } from '../auth/tokens';
import { HttpError } from './http-error';

// Who may do what with a request. Readers act for themselves, librarians for their own library,
// the centre's staff for the whole network.

const CENTRE_ROLES = new Set(['administrator', 'search-proxy']);

export function canSubmit(caller: Caller, request: IllRequest): void {
  const { libraryId, patronId } = request.requester;
  if (caller.role === 'administrator') return;
  if (caller.role === 'reader' && caller.libraryId === libraryId && caller.subject === patronId) return;
  if (caller.role === 'librarian' && caller.libraryId === libraryId) return;
  if (caller.role === 'reader' || caller.role === 'librarian') {
    throw new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot submit requests for ${patronId} of ${libraryId}`);
  }
  throw new HttpError(403, `the ${caller.role} role cannot submit requests`);
}

export function canRead(caller: Caller, request: IllRequest): void {
  const { libraryId, patronId } = request.requester;
  if (CENTRE_ROLES.has(caller.role)) return;
  if (caller.role === 'librarian' && caller.libraryId === libraryId) return;
  if (caller.role === 'reader' && caller.libraryId === libraryId && caller.subject === patronId) return;
  // Same answer as for a request that does not exist, so ids of other libraries' requests do not leak.
  throw new HttpError(404, `no request ${request.id}`);
}
