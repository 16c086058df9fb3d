import { useState } from 'preact/hooks';
import type { ApiError } from './api';
import { usePolled } from './polling';
import { useApi } from './session';

/**
 * One request as the caller may see it (`GET /api/requests/:id`), asked again every few seconds, and
 * at once after `changed` (the caller acted on it); `missing` is why it could not be read.
 */
export function useRequestDetail<T>(id: string): { detail?: T; missing?: ApiError; changed: () => void } {
  const api = useApi();
  const [changes, setChanges] = useState(0);
  const [missing, setMissing] = useState<ApiError>();
  const detail = usePolled(async () => {
    const answer = await api<T>('GET', `/api/requests/${encodeURIComponent(id)}`);
    if (!answer.ok) setMissing(answer.error);
    return answer.ok ? answer.body : undefined;
  }, `${id}#${changes}`);
  return { detail, missing, changed: () => setChanges((count) => count + 1) };
}
