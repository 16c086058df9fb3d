import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { call, type Answer } from './api';

export type Role = 'reader' | 'librarian' | 'supplier' | 'search-proxy' | 'administrator';

/** Who is signed in: the account the token names, read from the token itself (the API checks its signature). */
export interface Session {
  token: string;
  subject: string;
  role: Role;
  libraryId: string;
}

const KEY = 'ill.token';

/** The caller a bearer token names, or undefined when it is not a token of this network. */
export function sessionOf(token: string): Session | undefined {
  const payload = token.trim().split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as Record<string, unknown>;
    const { sub, role, library } = claims;
    if (typeof sub !== 'string' || typeof role !== 'string' || typeof library !== 'string') return undefined;
    return { token: token.trim(), subject: sub, role: role as Role, libraryId: library };
  } catch {
    return undefined;
  }
}

/** The token lives for the browser tab only: closing it signs out. */
export const storedSession = (): Session | undefined => {
  const token = sessionStorage.getItem(KEY);
  return token ? sessionOf(token) : undefined;
};

export function keepSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, session.token);
  else sessionStorage.removeItem(KEY);
}

export const SessionContext = createContext<{ session?: Session; signIn(session: Session | undefined): void }>({ signIn: () => undefined });
export const useSession = () => useContext(SessionContext);

/** The API as the signed-in caller; a token the API no longer takes (expired, or another key's) signs them out. */
export function useApi(): <T>(method: string, path: string, body?: unknown) => Promise<Answer<T>> {
  const { session, signIn } = useSession();
  return async <T>(method: string, path: string, body?: unknown) => {
    const answer = await call<T>(session?.token, method, path, body);
    if (answer.status === 401 && session) signIn(undefined);
    return answer;
  };
}
