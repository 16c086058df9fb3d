import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api';
import { RefusalWords } from '../refusal';

/** What the API said of a field, by the JSON pointers that name it (a field's own or one within it), or undefined. */
export function problemOf(refusal: ApiError | undefined, ...paths: string[]): string | undefined {
  return refusal?.problems?.find((entry) => paths.some((path) => entry.path === path || entry.path.startsWith(`${path}/`)))?.message;
}

/** A labelled control with the API's problem beside it, read out with it. */
export function Field({ id, label, problem, children }: { id: string; label: string; problem?: string; children(described: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }): ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, ...(problem ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-problem` } : {}) })}
      {problem && (
        // The API words a field's problem in English only: marked so, screen readers speak it as English.
        <p class="problem" id={`${id}-problem`} lang="en">
          {problem}
        </p>
      )}
    </div>
  );
}

/** A refusal the form cannot place beside a field: a 409's reason, or a problem with no field of its own. */
export function Refusal({ refusal, placed }: { refusal?: ApiError; placed: boolean }) {
  if (!refusal || placed) return null;
  return (
    <p class="problem" role="alert">
      <RefusalWords refusal={refusal} />
    </p>
  );
}
