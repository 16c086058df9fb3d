import type { IllRequest } from '../../domain/request';
import type { RefusalCode } from '../../domain/refusals';
import type { RequestState } from '../../domain/request-state';

// The engine's HTTP API, on the workbench's own origin.

export interface ApiProblem {
  /** A JSON pointer into the call: `/body/citation/issn`, `/query/limit`. */
  path: string;
  message: string;
}

export interface ApiError {
  status: number;
  message: string;
  problems?: ApiProblem[];
  /** Why it was refused, for the page to word in its reader's language. */
  code?: RefusalCode;
  duplicateOf?: string;
}

export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError };

export async function call<T>(token: string | undefined, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(path, {
    method,
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as { error?: ApiError };
  if (response.ok) return { ok: true, status: response.status, body: json as T };
  return { ok: false, status: response.status, error: json.error ?? { status: response.status, message: response.statusText } };
}

export interface WorkbenchInfo {
  temporalUi?: { url: string; namespace: string };
  devIdentities?: { role: string; libraryId: string; subject: string; token: string }[];
}

/** A row of the request index, as `GET /api/requests` answers. */
export interface RequestSummary {
  id: string;
  status: RequestState['status'];
  title?: string;
  service: string;
  urgency: string;
  submittedAt: string;
  updatedAt: string;
}

export interface SearchPage {
  items: RequestSummary[];
  next?: string;
}

/** One request in full, as `GET /api/requests/:id` answers. */
export type RequestDetail = Pick<RequestState, 'requestId' | 'status' | 'decision' | 'delivery' | 'history' | 'reason'> & {
  request: IllRequest;
  /** The suppliers the request names, by the names people know them by. */
  supplierNames?: Record<string, string>;
};

/** The draft `GET /openurl` reads from a discovery system's link. */
export interface OpenUrlDraft {
  citation: IllRequest['citation'];
  service?: IllRequest['service'];
  problems?: { key: string; message: string }[];
}

export function draftFrom(encoded: string | undefined): OpenUrlDraft | undefined {
  if (!encoded) return undefined;
  try {
    const bytes = Uint8Array.from(atob(encoded.replaceAll('-', '+').replaceAll('_', '/')), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as OpenUrlDraft;
  } catch {
    return undefined;
  }
}
