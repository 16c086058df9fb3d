// The routing entry point: who to ask for a document, in which order, and what waits for staff.
// Pure and deterministic: the same compiled configuration and input always give the same decision.

import type { CompiledNetwork } from './compile';
import { decide, prepare, type RouteInput } from './rank';
import type { RouteDecision } from '../domain/decision';

export type { RouteInput } from './rank';
export { compile, type CompiledNetwork } from './compile';

export function route(compiled: CompiledNetwork, input: RouteInput): RouteDecision {
  const prepared = prepare(compiled, input);
  return decide(compiled, prepared, compiled.fire(prepared), () => compiled.fireRequestLevel(prepared));
}
