import type { RefusalCode } from '../domain/refusals';

/**
 * A request, a decision or a message the network refuses, with the reason and, for a request, the
 * JSON pointer at fault; a refusal a client acts on by itself carries its code.
 */
export class Refused extends Error {
  constructor(
    message: string,
    readonly pointer?: string,
    readonly code?: RefusalCode,
  ) {
    super(message);
  }
}
