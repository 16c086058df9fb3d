import type { IllRequest } from '../../domain/request';
import { CENTRE } from '../../domain/request-state';
import type { Caller } from '../auth/tokens';
import { HttpError } from './http-error';

// Who may do what with a request. Readers act for themselves, librarians for their own library,
// the centre's staff for the whole network.

export type Allowed = (caller: Caller, request: IllRequest) => boolean;

export const centre: Allowed = (caller) => caller.role === 'administrator';
export const requestingLibrary: Allowed = (caller, request) =>
  centre(caller, request) || (caller.role === 'librarian' && caller.libraryId === request.requester.libraryId);
export const requestingReader: Allowed = (caller, request) =>
  caller.role === 'reader' && caller.libraryId === request.requester.libraryId && caller.subject === request.requester.patronId;
export const requestingLibraryOrReader: Allowed = (caller, request) => requestingLibrary(caller, request) || requestingReader(caller, request);
export const searchProxyStaff: Allowed = (caller, request) => centre(caller, request) || caller.role === 'search-proxy';
/**
 * Search-proxy staff read hard-to-find requests wherever they sit, but the workflow hands the search
 * to the centre's desk: only its staff (and administrators) answer one.
 */
export const searchProxyDesk: Allowed = (caller, request) => centre(caller, request) || (caller.role === 'search-proxy' && caller.libraryId === CENTRE.libraryId);

export function canSubmit(caller: Caller, request: IllRequest): void {
  const { libraryId, patronId } = request.requester;
  if (requestingLibraryOrReader(caller, request)) return;
  if (caller.role === 'reader' || caller.role === 'librarian') {
    throw new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot submit requests for ${patronId} of ${libraryId}`);
  }
  throw new HttpError(403, `the ${caller.role} role cannot submit requests`);
}

export function canRead(caller: Caller, request: IllRequest): void {
  if (searchProxyStaff(caller, request) || requestingLibraryOrReader(caller, request)) return;
  // Same answer as for a request that does not exist, so ids of other libraries' requests do not leak.
  throw new HttpError(404, `no request ${request.id}`);
}
