// The routing entry point: who to ask for a document, in which order, and what waits for staff.
// Pure and deterministic: the same compiled configuration and input always give the same decision.

import type { CompiledNetwork } from './compile';
import { decide, needsRequestLevel, prepare, type RouteInput } from './rank';
import type { RouteDecision } from '../domain/decision';

export type { RouteInput } from './rank';
export { compile, type CompiledNetwork } from './compile';

export function route(compiled: CompiledNetwork, input: RouteInput): RouteDecision {
  const prepared = prepare(compiled, input);
  const fired = compiled.fire(prepared);
  const requestLevel = needsRequestLevel(compiled, prepared, fired) ? compiled.fireRequestLevel(prepared) : undefined;
  return decide(compiled, prepared, fired, requestLevel);
}
